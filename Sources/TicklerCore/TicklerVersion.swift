/// The release, as `tickler --version`, `ticklerd --version` and `tickler status` report it.
public enum TicklerVersion {
    public static let string = "0.5.0"
}
