import Dispatch
import Glibc

/// Drives a `Daemon`: a `DispatchSourceTimer` every second (ticks run at `poll.interval`; the second
/// granularity keeps watchdog pings and shutdown prompt), and signal sources on a private queue:
/// SIGHUP reloads, SIGTERM and SIGINT stop.
public enum ServiceLoop {
    public static func run(_ daemon: Daemon) async {
        let queue = DispatchQueue(label: "ticklerd.loop")
        for sig in [SIGHUP, SIGTERM, SIGINT] { signal(sig, SIG_IGN) }
        let timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + .seconds(1), repeating: .seconds(1), leeway: .milliseconds(50))
        timer.setEventHandler { Task { await daemon.timerFired() } }
        let hangup = DispatchSource.makeSignalSource(signal: SIGHUP, queue: queue)
        hangup.setEventHandler { Task { await daemon.reload() } }
        let terminations = [SIGTERM, SIGINT].map { sig in
            let source = DispatchSource.makeSignalSource(signal: sig, queue: queue)
            source.setEventHandler { Task { await daemon.stop() } }
            return source
        }
        // A signal source is armed by dispatch's manager thread some time after `resume()`; until then the
        // signal is ignored (SIG_IGN above) and lost. READY=1 (in `run`) is sent only once all are armed, so
        // a `systemctl reload` right after start is never dropped.
        let armed = DispatchGroup()
        for source in [hangup] + terminations {
            armed.enter()
            source.setRegistrationHandler { armed.leave() }
        }
        for source in [timer, hangup] + terminations { source.resume() }
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in armed.notify(queue: queue) { done.resume() } }
        await daemon.run()
        for source in [timer, hangup] + terminations { source.cancel() }
    }
}
