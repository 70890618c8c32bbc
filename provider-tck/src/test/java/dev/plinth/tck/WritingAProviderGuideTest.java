package dev.plinth.tck;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/writing-a-provider.md quotes MinimalProvider; every quoted block must still be in the source as is. */
class WritingAProviderGuideTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void everyCodeBlockOfTheGuideIsAnExcerptOfMinimalProvider() throws IOException {
        String guide = Files.readString(ROOT.resolve("docs/writing-a-provider.md"));
        String source =
                Files.readString(ROOT.resolve("provider-tck/src/test/java/dev/plinth/tck/MinimalProvider.java"));
        Matcher blocks = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(guide);
        List<String> excerpts = new ArrayList<>();
        while (blocks.find()) {
            excerpts.add(blocks.group(1));
        }
        assertThat(excerpts).hasSizeGreaterThan(5);
        // The last block is the reader's own test class, not an excerpt.
        for (String excerpt : excerpts.subList(0, excerpts.size() - 1)) {
            assertThat(source)
                    .as("MinimalProvider.java contains the guide's block")
                    .contains(excerpt);
        }
        assertThat(Files.readAllLines(ROOT.resolve("provider-tck/src/test/java/dev/plinth/tck/MinimalProvider.java")))
                .as("the guide says how long MinimalProvider is")
                .hasSize(lineCount(guide));
    }

    private static int lineCount(String guide) {
        Matcher m = Pattern.compile("MinimalProvider.java`, (\\d+) lines\\)").matcher(guide);
        assertThat(m.find()).as("the guide states the line count").isTrue();
        return Integer.parseInt(m.group(1));
    }
}
