import Dispatch
import Glibc

/// Drives a `Daemon`: a `DispatchSourceTimer` every second (ticks run at `poll.interval`; the second
/// granularity keeps watchdog pings and shutdown prompt), and the signals (`SignalPipe`, installed at the
/// start of the process) read on a private queue: SIGHUP reloads, SIGTERM and SIGINT stop.
public enum ServiceLoop {
    public static func run(_ daemon: Daemon) async {
        let queue = DispatchQueue(label: "ticklerd.loop")
        let timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + .seconds(1), repeating: .seconds(1), leeway: .milliseconds(50))
        timer.setEventHandler { Task { await daemon.timerFired(waiting: false) } }
        // Signals that came before (while the daemon was made) wait in the pipe and are read at once.
        let pipe = SignalPipe.install()
        let signals = DispatchSource.makeReadSource(fileDescriptor: pipe, queue: queue)
        signals.setEventHandler {
            let received = SignalPipe.take(from: pipe)
            guard !received.isEmpty else { return }
            Task {
                for sig in received {
                    if sig == SIGHUP { await daemon.reload(waiting: false) } else { await daemon.stop() }
                }
            }
        }
        for source in [timer, signals] as [any DispatchSourceProtocol] { source.resume() }
        await daemon.run()
        for source in [timer, signals] as [any DispatchSourceProtocol] { source.cancel() }
    }
}
