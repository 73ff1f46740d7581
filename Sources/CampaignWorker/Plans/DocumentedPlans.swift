import CampaignDomain

/// The plans shown in a Markdown document: every fenced `json` block holding an object with a `trigger`.
///
/// The docs test loads them to keep the docs honest, and the benchmark runs them as a realistic plan mix.
public enum DocumentedPlans {
    public struct Block: Sendable {
        /// The first line of the block's JSON (1-based).
        public var line: Int
        public var text: String
    }

    public static func blocks(markdown: String) -> [Block] {
        var blocks: [Block] = []
        var current: [String]?
        var start = 0
        for (index, line) in markdown.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if current == nil, line.hasPrefix("```json") {
                current = []
                start = index + 2
            } else if current != nil, line.hasPrefix("```") {
                let block = current!.joined(separator: "\n")
                if (try? JSONParser.parse(block))?.objectValue?["trigger"] != nil { blocks.append(Block(line: start, text: block)) }
                current = nil
            } else {
                current?.append(String(line))
            }
        }
        return blocks
    }
}
