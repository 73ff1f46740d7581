/// What happened to one decoded event.
public enum ApplyOutcome: Sendable, Hashable {
    /// Changed member state.
    case applied
    /// Same source and id already seen for this member; nothing changed.
    case duplicate
    /// A type this worker does not know; counted, not dead-lettered.
    case ignoredUnknownType
    /// The member and everything pending for them were forgotten.
    case erased
}
