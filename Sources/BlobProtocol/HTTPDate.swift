/// The HTTP date of `x-ms-date` and `Date` (RFC 9110 §5.6.7 IMF-fixdate, e.g. `Wed, 25 Nov 2026 12:00:00 GMT`),
/// as whole seconds since 1970-01-01 UTC. Hand-rolled on purpose: the format is fixed, and a parser that allocates
/// nothing and never consults a locale is cheap to run on every request and easy to fuzz.
public enum HTTPDate {
    static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// The IMF-fixdate of `seconds` since the epoch (years 0000...9999, as ``parse(_:)`` reads them).
    public static func format(epochSeconds seconds: Int64) -> String {
        let day = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400
        let secondOfDay = seconds - day * 86400
        let (year, month, dayOfMonth) = civil(fromDays: day)
        let weekday = Int(((day % 7) + 11) % 7)  // 1970-01-01 was a Thursday
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let paddedYear = String(repeating: "0", count: Swift.max(0, 4 - String(year).count)) + String(year)
        return "\(days[weekday]), \(two(dayOfMonth)) \(months[Int(month) - 1]) \(paddedYear) "
            + "\(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60)) GMT"
    }

    /// Seconds since the epoch, or nil unless `text` is exactly an IMF-fixdate with a valid calendar date.
    /// The weekday name must be one of the seven but is not cross-checked (the service does not either).
    /// - Complexity: O(1); looks at 29 bytes at most.
    public static func parse(_ text: String) -> Int64? {
        let b = Array(text.utf8)
        guard b.count == 29, b[3] == 44, b[4] == 32, b[7] == 32, b[11] == 32, b[16] == 32, b[19] == 58,
            b[22] == 58, b[25] == 32, b[26] == 71, b[27] == 77, b[28] == 84
        else { return nil }
        guard days.contains(where: { Array($0.utf8) == Array(b[0..<3]) }),
            let monthIndex = months.firstIndex(where: { Array($0.utf8) == Array(b[8..<11]) }),
            let dayOfMonth = number(b[5..<7]), let year = number(b[12..<16]), let hour = number(b[17..<19]),
            let minute = number(b[20..<22]), let second = number(b[23..<25])
        else { return nil }
        let month = Int64(monthIndex + 1)
        guard dayOfMonth >= 1, dayOfMonth <= daysIn(month: month, year: year), hour < 24, minute < 60, second < 61
        else { return nil }
        return days(fromCivil: year, month, dayOfMonth) * 86400 + hour * 3600 + minute * 60 + second
    }

    public static func number(_ digits: ArraySlice<UInt8>) -> Int64? {
        var value: Int64 = 0
        for byte in digits {
            guard byte >= 48, byte <= 57 else { return nil }
            value = value * 10 + Int64(byte - 48)
        }
        return value
    }

    public static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant, "chrono-Compatible Low-Level Date
    /// Algorithms", days_from_civil).
    static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146097 + dayOfEra - 719468
    }

    /// The inverse of ``days(fromCivil:_:_:)`` (civil_from_days of the same paper).
    static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let dayOfEra = z - era * 146097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
