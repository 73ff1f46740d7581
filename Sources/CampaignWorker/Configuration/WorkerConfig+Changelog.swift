extension WorkerConfig {
    /// The compacted member-state changelog topic, `<groupId>-member-state-changelog` (CONTRACT §1).
    public var changelogTopic: String { "\(groupID)-member-state-changelog" }

    /// The producer's `transactional.id`: stable per static member (`<groupId>-<instanceId>`), so a restarted
    /// instance fences its predecessor at once; otherwise `<groupId>-<random>`, fenced by the group generation.
    func transactionalID(fallback: String) -> String {
        "\(groupID)-\(instanceID ?? fallback)"
    }
}
