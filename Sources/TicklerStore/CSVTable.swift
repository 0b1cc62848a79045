/// RFC 4180 CSV: comma-separated, double-quoted fields with `""` escapes, CRLF or LF line ends.
enum CSVTable {
    struct Failure: Error {
        var line: Int
        var message: String
    }

    /// Rows with the line each starts on; blank lines are ignored.
    static func parse(_ text: String) -> Result<[(line: Int, cells: [String])], Failure> {
        var rows: [(line: Int, cells: [String])] = []
        var cells: [String] = []
        var cell = ""
        var inQuotes = false
        var afterQuote = false
        var line = 1
        var rowLine = 1
        var scalars = Array(text.unicodeScalars)
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
        var i = 0
        func endRow() {
            cells.append(cell)
            if !(cells.count == 1 && cells[0].isEmpty) { rows.append((rowLine, cells)) }
            cells = []
            cell = ""
        }
        while i < scalars.count {
            let c = scalars[i]
            if inQuotes {
                if c == "\"" {
                    if i + 1 < scalars.count && scalars[i + 1] == "\"" {
                        cell.unicodeScalars.append("\"")
                        i += 1
                    } else {
                        inQuotes = false
                        afterQuote = true
                    }
                } else {
                    if c == "\n" { line += 1 }
                    cell.unicodeScalars.append(c)
                }
            } else if c == "," {
                cells.append(cell)
                cell = ""
                afterQuote = false
            } else if c == "\n" || c == "\r" {
                if c == "\r" && i + 1 < scalars.count && scalars[i + 1] == "\n" { i += 1 }
                endRow()
                afterQuote = false
                line += 1
                rowLine = line
            } else if c == "\"" && cell.isEmpty && !afterQuote {
                inQuotes = true
            } else if afterQuote {
                return .failure(Failure(line: line, message: "text after a closing quote"))
            } else {
                cell.unicodeScalars.append(c)
            }
            i += 1
        }
        if inQuotes { return .failure(Failure(line: rowLine, message: "quoted field is not closed")) }
        if !cell.isEmpty || !cells.isEmpty { endRow() }
        return .success(rows)
    }
}
