package dev.plinth.core.archive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.core.Main;
import dev.plinth.core.testing.Archives;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --list-plugins}: every archive with its state, each refusal with its archive and rule. */
class ListPluginsTest {
    @TempDir
    Path work;

    @Test
    void listsEveryArchiveAndSaysWhyOneWouldNotStart() throws Exception {
        Path folder = Files.createDirectories(work.resolve("plugins"));
        ArchivePlugins plugins = new ArchivePlugins(work.resolve("build"));
        plugins.tools("1.0.0", folder.resolve("tools.jar"));
        plugins.user(">=2", folder.resolve("user.jar"));
        Path off = plugins.archives()
                .jar()
                .source("o.Main", Archives.plugin("o", "off", "1.0.0", "", ""))
                .descriptor("id=off", "version=1.0.0", "class=o.Main")
                .writeTo(folder.resolve("off.jar"));
        Path broken = Files.write(folder.resolve("broken.zip"), new byte[] {1, 2, 3});
        Path conf = Files.writeString(
                work.resolve("plinth.properties"),
                "plinth.plugins.dir=" + folder + "\nplinth.plugins.off.enabled=false\n");

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Main.run(
                new String[] {"--config", conf.toString(), "--list-plugins"},
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);

        assertThat(code).as(text).isEqualTo(1);
        assertThat(text)
                .contains("plugin tools 1.0.0 " + folder.resolve("tools.jar") + " ready deps=[]")
                .contains("plugin user 1.0.0 " + folder.resolve("user.jar") + " refused deps=[tools@>=2]")
                .contains("it requires plugin 'tools@>=2', but 'tools' is version 1.0.0")
                .contains("plugin off 1.0.0 " + off + " disabled")
                .contains(broken + " refused")
                .contains("not a readable jar or zip");
    }
}
