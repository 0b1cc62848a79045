/// A non-business day passed over while counting, and why: the raw material of explanations.
public struct SkippedDay: Hashable, Sendable {
    public var date: LocalDate
    public var reason: String
}

/// Collects skipped days when an explanation is wanted; counting without one records nothing.
public final class SkipRecorder {
    public private(set) var days: [SkippedDay] = []
    public init() {}
    func record(_ date: LocalDate, _ reason: String) {
        if days.last?.date != date { days.append(SkippedDay(date: date, reason: reason)) }
    }
}

extension BusinessCalendar {
    /// Counting never runs further than this; a calendar with no business day in ten years means "never".
    static let searchLimitDays = 3_660

    /// `t` moved forward (`sign` 1) or backward (`sign` -1) by `period` on this calendar.
    ///
    /// Minutes and hours are elapsed time. Days and weeks move the civil date and keep the wall-clock
    /// time. Business and court days count only business days after (or before) the start date, keeping
    /// the wall-clock time; starting on a non-business day, the first business day after it counts as 1.
    /// Business hours consume the opening windows of business days.
    public func shift(_ t: Instant, by period: Period, sign: Int = 1, recorder: SkipRecorder? = nil) -> Instant {
        let n = Int64(period.amount) * Int64(sign)
        switch period.unit {
        case .minutes: return t.adding(seconds: n * 60)
        case .hours: return t.adding(seconds: n * 3600)
        case .days, .weeks:
            let days = n * (period.unit == .weeks ? 7 : 1)
            return zone.instant(localSeconds: zone.localSeconds(t) + days * 86_400)
        case .businessDays, .courtDays:
            return shiftBusinessDays(t, count: period.amount, step: sign, recorder: recorder)
        case .businessHours:
            let seconds = Int64(period.amount) * 3600
            return sign >= 0
                ? forwardBusinessSeconds(t, seconds, recorder: recorder)
                : backwardBusinessSeconds(t, seconds, recorder: recorder)
        }
    }

    private func shiftBusinessDays(_ t: Instant, count: Int, step: Int, recorder: SkipRecorder?) -> Instant {
        let local = zone.localSeconds(t)
        let startDay = local.floorDiv(86_400)
        let secondOfDay = Int(local - startDay * 86_400)
        var day = LocalDate(dayNumber: Int(startDay))
        var counted = 0
        var steps = 0
        while counted < count {
            day = day.adding(days: step)
            steps += 1
            if steps > Self.searchLimitDays { return .distantFuture }
            if isBusinessDay(day) {
                counted += 1
            } else if let recorder, let reason = nonBusinessReason(day) {
                recorder.record(day, reason)
            }
        }
        return zone.instant(date: day, secondOfDay: secondOfDay)
    }

    private var windows: [Window] { hours.isEmpty ? Self.defaultHours : hours }

    private func windowBounds(_ day: LocalDate, _ w: Window) -> (Instant, Instant) {
        (zone.instant(date: day, secondOfDay: w.open.minuteOfDay * 60),
         zone.instant(date: day, secondOfDay: w.close.minuteOfDay * 60))
    }

    private func forwardBusinessSeconds(_ start: Instant, _ amount: Int64, recorder: SkipRecorder?) -> Instant {
        var remaining = amount
        var t = start
        var day = zone.localDate(start)
        for _ in 0..<Self.searchLimitDays {
            if !isBusinessDay(day) {
                if let recorder, let reason = nonBusinessReason(day) { recorder.record(day, reason) }
            } else {
                for w in windows {
                    let (open, close) = windowBounds(day, w)
                    if t >= close { continue }
                    let from = max(t, open)
                    let available = close.seconds - from.seconds
                    // Ending exactly at closing time lands on the close, not on the next opening.
                    if remaining <= available { return from.adding(seconds: remaining) }
                    remaining -= available
                    t = close
                }
            }
            day = day.adding(days: 1)
        }
        return .distantFuture
    }

    private func backwardBusinessSeconds(_ start: Instant, _ amount: Int64, recorder: SkipRecorder?) -> Instant {
        var remaining = amount
        var t = start
        var day = zone.localDate(start)
        for _ in 0..<Self.searchLimitDays {
            if !isBusinessDay(day) {
                if let recorder, let reason = nonBusinessReason(day) { recorder.record(day, reason) }
            } else {
                for w in windows.reversed() {
                    let (open, close) = windowBounds(day, w)
                    if t <= open { continue }
                    let to = min(t, close)
                    let available = to.seconds - open.seconds
                    if remaining <= available { return to.adding(seconds: -remaining) }
                    remaining -= available
                    t = open
                }
            }
            day = day.adding(days: -1)
        }
        return Instant(seconds: -Instant.distantFuture.seconds)
    }

    /// `t`'s civil date (in this calendar's zone) at wall-clock time `time`.
    public func place(_ t: Instant, at time: TimeOfDay) -> Instant {
        zone.instant(date: zone.localDate(t), secondOfDay: time.minuteOfDay * 60)
    }

    /// Whether `t` falls inside an opening window of a business day.
    public func isOpen(at t: Instant) -> Bool { nextOpening(atOrAfter: t) == t }

    /// `t` itself if the firm is open then, else the start of the next opening window.
    public func nextOpening(atOrAfter t: Instant, recorder: SkipRecorder? = nil) -> Instant {
        var day = zone.localDate(t)
        for _ in 0..<Self.searchLimitDays {
            if !isBusinessDay(day) {
                if let recorder, let reason = nonBusinessReason(day) { recorder.record(day, reason) }
            } else {
                for w in windows {
                    let (open, close) = windowBounds(day, w)
                    if t < close { return max(t, open) }
                }
            }
            day = day.adding(days: 1)
        }
        return .distantFuture
    }
}
