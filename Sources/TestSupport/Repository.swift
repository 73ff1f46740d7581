import Foundation

/// Where the repository is, for tests that read its files (examples, docs, schemas, deploy/).
public enum Repository {
    /// The repository root, found from this file's place in `Sources/TestSupport`.
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
}
