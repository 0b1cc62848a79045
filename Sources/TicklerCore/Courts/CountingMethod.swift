/// A court's rule for computing time: which day starts the count, which days end it, where a last day on a
/// closed day moves, and what each method of service adds. Every step cites its rule.
public enum CountingMethod: String, Sendable, CaseIterable {
    /// Fed. R. Civ. P. 6(a), (d).
    case frcp6a = "frcp-6a"
    /// Fed. R. App. P. 26(a), (c).
    case frap26a = "frap-26a"
    /// Fed. R. Bankr. P. 9006(a), (f).
    case frbp9006a = "frbp-9006a"
    /// Cal. Code Civ. Proc. §§ 12, 12a, 12b, 12c, 1005, 1010.6, 1013.
    case caCCP = "ca-ccp"
    /// N.Y. Gen. Constr. Law §§ 20, 24, 25-a; N.Y. CPLR 2103(b).
    case nyGCL = "ny-gcl"
    /// Tex. R. Civ. P. 4, 21a.
    case txTRCP = "tx-trcp"

    /// The rule as the explanation's first line names it.
    public var title: String {
        switch self {
        case .frcp6a: "Fed. R. Civ. P. 6(a)"
        case .frap26a: "Fed. R. App. P. 26(a)"
        case .frbp9006a: "Fed. R. Bankr. P. 9006(a)"
        case .caCCP: "Cal. Code Civ. Proc. §§ 12, 12a"
        case .nyGCL: "N.Y. Gen. Constr. Law §§ 20, 25-a"
        case .txTRCP: "Tex. R. Civ. P. 4"
        }
    }

    /// The federal rules share 6(a)'s text: a state's holidays count forward only, a weekday observed in
    /// place of a weekend holiday is of unsettled standing, and periods may be in hours.
    public var isFederal: Bool { self == .frcp6a || self == .frap26a || self == .frbp9006a }

    /// How the federal rule numbers its paragraphs (`Rule 6(a)`, `Rule 26(a)`, `Rule 9006(a)`).
    private var federalRule: String {
        switch self {
        case .frap26a: "Rule 26"
        case .frbp9006a: "Rule 9006"
        default: "Rule 6"
        }
    }

    /// The day of the event is not counted.
    var firstDay: String {
        switch self {
        case .caCCP: "Code Civ. Proc. § 12"
        case .nyGCL: "Gen. Constr. Law § 20"
        case .txTRCP: "Tex. R. Civ. P. 4"
        default: "\(federalRule)(a)(1)(A)"
        }
    }

    /// The last day is counted, and moves when the court is closed on it.
    var lastDay: String {
        switch self {
        case .caCCP: "Code Civ. Proc. §§ 12, 12a"
        case .nyGCL: "Gen. Constr. Law § 25-a"
        case .txTRCP: "Tex. R. Civ. P. 4"
        default: "\(federalRule)(a)(1)(C)"
        }
    }

    /// A period counted backward from an event.
    var backward: String {
        switch self {
        case .caCCP: "Code Civ. Proc. § 12c"
        case .nyGCL: "Gen. Constr. Law § 25-a"
        case .txTRCP: "Tex. R. Civ. P. 4"
        default: "\(federalRule)(a)(5)"
        }
    }

    /// The last day ends at midnight in the court's time zone.
    var endOfDay: String {
        switch self {
        case .caCCP: "Code Civ. Proc. § 1010.6(b)(3)"
        case .nyGCL: "22 NYCRR 202.5-b(d)(4)"
        case .txTRCP: "Tex. R. Civ. P. 21(f)(5)"
        default: "\(federalRule)(a)(4)"
        }
    }

    /// Periods in hours (federal rules only).
    var hoursBegin: String { "\(federalRule)(a)(2)(A), (B)" }
    var hoursEnd: String { "\(federalRule)(a)(2)(C)" }

    /// Which holidays (for the explanation): "legal holiday", "judicial holiday", "public holiday".
    var holidayWord: String {
        switch self {
        case .caCCP: "judicial holiday"
        case .nyGCL: "public holiday"
        default: "legal holiday"
        }
    }

    /// The kind of day a moved last day goes to.
    var openDayWord: String {
        switch self {
        case .caCCP: "court day"
        case .nyGCL: "business day"
        default: "day"
        }
    }

    /// Tex. R. Civ. P. 4: in a period of five days or less, Saturdays, Sundays and legal holidays are not counted.
    var shortPeriod: Int? { self == .txTRCP ? 5 : nil }

    /// Whether a last day counted backward that falls on a closed day moves to the day before (as Rule 6(a)(5)
    /// and § 12c are read) — or, unsettled, also to the next one (N.Y. § 25-a and Tex. R. Civ. P. 4 say only
    /// "the next ... day").
    var backwardMoveUnsettled: Bool { self == .nyGCL || self == .txTRCP }

    /// What `service` adds to a period measured from it, or nil when it adds nothing.
    public func addition(for service: TriggerEvent.ServiceMethod, backward: Bool) -> ServiceAddition? {
        switch self {
        case .frcp6a, .frbp9006a:
            // 6(d) / 9006(f): mail, leaving with the clerk, or other consented means; not electronic service.
            guard !backward else { return .none(for: service, "\(self == .frcp6a ? "Rule 6(d)" : "Rule 9006(f)") adds days only to a period after service") }
            switch service {
            case .mail, .mailOutOfState, .mailOutOfCountry, .overnight, .fax, .other:
                return ServiceAddition(days: 3, courtDays: false, afterTheLastDay: true, citation: self == .frcp6a ? "Rule 6(d)" : "Rule 9006(f)")
            case .personal, .electronic: return nil
            }
        case .frap26a:
            // 26(c): unless served electronically or delivered on the date of service stated in the proof.
            guard !backward else { return .none(for: service, "Rule 26(c) adds days only to a period after service") }
            switch service {
            case .mail, .mailOutOfState, .mailOutOfCountry, .overnight, .other:
                return ServiceAddition(days: 3, courtDays: false, afterTheLastDay: true, citation: "Rule 26(c)")
            case .personal, .electronic, .fax: return nil
            }
        case .caCCP:
            switch service {
            case .mail: return ServiceAddition(days: 5, courtDays: false, afterTheLastDay: false,
                                               citation: backward ? "Code Civ. Proc. §§ 1005(b), 12c(b)" : "Code Civ. Proc. § 1013(a)")
            case .mailOutOfState: return ServiceAddition(days: 10, courtDays: false, afterTheLastDay: false,
                                                         citation: backward ? "Code Civ. Proc. §§ 1005(b), 12c(b)" : "Code Civ. Proc. § 1013(a)")
            case .mailOutOfCountry: return ServiceAddition(days: 20, courtDays: false, afterTheLastDay: false,
                                                           citation: backward ? "Code Civ. Proc. §§ 1005(b), 12c(b)" : "Code Civ. Proc. § 1013(a)")
            case .overnight, .fax:
                // Two court days after service (§ 1013(c), (e)); two calendar days of notice before a hearing (§ 1005(b)).
                return backward
                    ? ServiceAddition(days: 2, courtDays: false, afterTheLastDay: false, citation: "Code Civ. Proc. §§ 1005(b), 12c(b)")
                    : ServiceAddition(days: 2, courtDays: true, afterTheLastDay: false,
                                      citation: service == .fax ? "Code Civ. Proc. § 1013(e)" : "Code Civ. Proc. § 1013(c)")
            case .electronic:
                return ServiceAddition(days: 2, courtDays: true, afterTheLastDay: false,
                                       citation: backward ? "Code Civ. Proc. §§ 1010.6(a)(3)(B), 12c(b)" : "Code Civ. Proc. § 1010.6(a)(3)(B)")
            case .personal, .other: return nil
            }
        case .nyGCL:
            // CPLR 2103(b)(2), (6): added to the period of the party served, measured from service.
            guard !backward else { return .none(for: service, "CPLR 2103(b) adds days only to the period of the party served, measured from service") }
            switch service {
            case .mail: return ServiceAddition(days: 5, courtDays: false, afterTheLastDay: false, citation: "CPLR 2103(b)(2)")
            case .mailOutOfState: return ServiceAddition(days: 6, courtDays: false, afterTheLastDay: false, citation: "CPLR 2103(b)(2)")
            case .mailOutOfCountry:
                return .none(for: service, "CPLR 2103(b)(2) adds days only for mail within the United States")
            case .overnight: return ServiceAddition(days: 1, courtDays: true, afterTheLastDay: false, citation: "CPLR 2103(b)(6)")
            case .personal, .electronic, .fax, .other: return nil
            }
        case .txTRCP:
            // 21a(c): three days added to the prescribed period after service by mail (counted, Rule 4, weekends included).
            guard !backward else { return .none(for: service, "Tex. R. Civ. P. 21a(c) adds days only to a period after service") }
            return service.isMail ? ServiceAddition(days: 3, courtDays: false, afterTheLastDay: false, citation: "Tex. R. Civ. P. 21a(c)") : nil
        }
    }

    /// Tex. R. Civ. P. 21a(b)(3): a document served by fax or electronically after 5:00 p.m. (the recipient's
    /// time) is served the next day.
    func servedNextDay(_ service: TriggerEvent.ServiceMethod?, secondOfDay: Int) -> Bool {
        self == .txTRCP && (service == .fax || service == .electronic) && secondOfDay >= 17 * 3600
    }
}

/// Days a method of service adds to a period.
public struct ServiceAddition: Sendable, Equatable {
    public var days: Int
    /// Court (business) days rather than calendar days.
    public var courtDays: Bool
    /// Added after the period would otherwise end, its last day moved first (Fed. R. Civ. P. 6(d)); else the
    /// period is extended and only its new last day moves (Cal. Code Civ. Proc. § 1013).
    public var afterTheLastDay: Bool
    public var citation: String
    /// Why nothing is added (days 0).
    public var none: String?

    public init(days: Int, courtDays: Bool, afterTheLastDay: Bool, citation: String, none: String? = nil) {
        self.days = days
        self.courtDays = courtDays
        self.afterTheLastDay = afterTheLastDay
        self.citation = citation
        self.none = none
    }

    /// Nothing added, and why (for the explanation).
    static func none(for service: TriggerEvent.ServiceMethod, _ why: String) -> ServiceAddition? {
        service == .personal || service == .electronic ? nil : ServiceAddition(days: 0, courtDays: false, afterTheLastDay: false, citation: "", none: why)
    }
}
