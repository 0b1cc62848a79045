/// The SQLite store's conformances whose requirements `SQLiteCaseStore` and its extensions implement.
extension SQLiteCaseStore: ChangeFeed {}
extension SQLiteCaseStore: HealthRecord {}
extension SQLiteCaseStore: Holds {}
extension SQLiteCaseStore: Ledger {}

extension SQLiteCaseStore: FirmStore {
    public var displayName: String { path }
    public func shutdown() async { close() }
}
