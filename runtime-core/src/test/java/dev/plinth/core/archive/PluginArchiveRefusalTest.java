package dev.plinth.core.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.plinth.api.plugin.Plugin;
import dev.plinth.api.plugin.PluginLifecycleException.Phase;
import dev.plinth.core.PlinthRuntime;
import dev.plinth.core.config.PlinthConfig;
import dev.plinth.core.plugins.PluginArchiveException;
import dev.plinth.core.testing.Archives;
import dev.plinth.core.testing.FakeProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Archives the runtime refuses at startup: each refusal names the archive and the rule, and comes before
 * storage is opened or any plugin is called; the temporary copies of the jars are removed again.
 */
class PluginArchiveRefusalTest {
    @TempDir
    Path work;

    private Path folder;
    private Archives archives;
    private final FakeProvider provider = new FakeProvider();

    @BeforeEach
    void setUp() throws Exception {
        folder = Files.createDirectories(work.resolve("plugins"));
        archives = new Archives(work.resolve("build"));
    }

    private Path plugin(String id, String version, Path file, String... extraDescriptorLines) {
        String[] lines = Stream.concat(
                        Stream.of("id=" + id, "version=" + version, "class=p" + id.replace('-', '_') + ".Main"),
                        Stream.of(extraDescriptorLines))
                .toArray(String[]::new);
        String pkg = "p" + id.replace('-', '_');
        return archives.jar()
                .source(pkg + ".Main", Archives.plugin(pkg, id, version, "", ""))
                .descriptor(lines)
                .writeTo(file);
    }

    private PluginArchiveException refusal() {
        PlinthRuntime rt = PlinthRuntime.builder()
                .config(PlinthConfig.builder()
                        .set("plinth.plugins.dir", folder.toString())
                        .build())
                .storageProvider(provider)
                .discoverPlugins(false)
                .build();
        PluginArchiveException e = catchThrowableOfType(PluginArchiveException.class, rt::start);
        assertThat(e).as("startup must be refused").isNotNull();
        assertThat(e.phase()).isEqualTo(Phase.RESOLVE);
        assertThat(provider.opens).as("storage is not opened").hasValue(0);
        return e;
    }

    @Test
    void aVersionRangeNotMetNamesTheArchiveTheRangeAndTheVersionFound() {
        plugin("base", "1.4.0", folder.resolve("base.jar"));
        Path needs = plugin("needs-base", "1.0.0", folder.resolve("needs-base.jar"), "requires=base@>=2 <3");
        PluginArchiveException e = refusal();
        assertThat(e.archive()).isEqualTo(needs);
        assertThat(e)
                .hasMessageContaining(needs.toString())
                .hasMessageContaining("base@>=2 <3")
                .hasMessageContaining("version 1.4.0");
    }

    @Test
    void aCycleAcrossArchivesNamesThePathAndTheArchives() {
        Path a = plugin("a", "1.0.0", folder.resolve("a.jar"), "requires=b");
        Path b = plugin("b", "1.0.0", folder.resolve("b.jar"), "requires=a");
        PluginArchiveException e = refusal();
        assertThat(e)
                .hasMessageContaining("cycle: a -> b -> a")
                .hasMessageContaining(a.toString())
                .hasMessageContaining(b.toString());
    }

    @Test
    void aDuplicateIdInTwoArchivesNamesBoth() {
        Path one = plugin("dup", "1.0.0", folder.resolve("dup-1.jar"));
        Path two = plugin("dup", "1.1.0", folder.resolve("dup-2.jar"));
        assertThat(refusal())
                .hasMessageContaining("Duplicate plugin id 'dup'")
                .hasMessageContaining(one.toString())
                .hasMessageContaining(two.toString());
    }

    @Test
    void anArchiveWithTheIdOfAClassPathPluginIsRefusedNamingBoth() {
        Path jar = plugin("probe", "1.0.0", folder.resolve("probe.jar"));
        PlinthRuntime rt = PlinthRuntime.builder()
                .config(PlinthConfig.builder()
                        .set("plinth.plugins.dir", folder.toString())
                        .build())
                .storageProvider(provider)
                .discoverPlugins(false)
                .plugin(new PluginControlTest.Probe())
                .build();
        PluginArchiveException e = catchThrowableOfType(PluginArchiveException.class, rt::start);
        assertThat(e.archive()).isEqualTo(jar);
        assertThat(e)
                .hasMessageContaining("Duplicate plugin id 'probe'")
                .hasMessageContaining(jar.toString())
                .hasMessageContaining("registered");
        assertThat(provider.opens).hasValue(0);
    }

    @Test
    void aDependencysPackagesAreInvisibleUnlessExported() throws Exception {
        Path base = archives.jar()
                .source("pbase.Main", Archives.plugin("pbase", "base", "1.0.0", "", ""))
                .source("pbase.Hidden", "package pbase; public class Hidden {}")
                .descriptor("id=base", "version=1.0.0", "class=pbase.Main")
                .writeTo(folder.resolve("base.jar"));
        archives.jar()
                .compileAgainst(base)
                .source("puser.Main", Archives.plugin("puser", "peeker", "1.0.0", "new pbase.Hidden();", ""))
                .descriptor("id=peeker", "version=1.0.0", "class=puser.Main", "requires=base")
                .writeTo(folder.resolve("peeker.jar"));
        PlinthRuntime rt = PlinthRuntime.builder()
                .config(PlinthConfig.builder()
                        .set("plinth.plugins.dir", folder.toString())
                        .build())
                .storageProvider(new dev.plinth.core.testing.MapProvider())
                .discoverPlugins(false)
                .build();
        assertThatThrownBy(rt::start)
                .hasMessageContaining("peeker")
                .hasStackTraceContaining("pbase.Hidden (plugin 'peeker' sees the JDK, dev.plinth.api, org.slf4j,"
                        + " packages its dependencies export");
    }

    @Test
    void aCorruptArchiveIsNamed() throws Exception {
        Path bad = Files.write(folder.resolve("broken.jar"), new byte[] {'P', 'K', 3, 4, 1, 2, 3});
        PluginArchiveException e = refusal();
        assertThat(e.archive()).isEqualTo(bad);
        assertThat(e).hasMessageContaining(bad.toString()).hasMessageContaining("not a readable jar or zip");
    }

    @Test
    void aZipWhoseLibBundlesThePlinthApiNamesThatJar() throws Exception {
        Path pluginJar = plugin("shady", "1.0.0", work.resolve("shady.jar"));
        Path apiCopy = archives.jar()
                .resource(
                        "dev/plinth/api/plugin/Plugin.class",
                        dev.plinth.core.testing.TestJars.resource(Plugin.class)
                                .getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .writeTo(work.resolve("plinth-runtime-api-0.1.0.jar"));
        Path zip = Archives.zip(folder.resolve("shady.zip"), pluginJar, apiCopy);
        PluginArchiveException e = refusal();
        assertThat(e.archive()).isEqualTo(zip);
        assertThat(e)
                .hasMessageContaining(zip + "!/lib/plinth-runtime-api-0.1.0.jar")
                .hasMessageContaining("bundles its own copy of the Plinth API");
    }

    @Test
    void aPluginJarBundlingSlf4jIsRefused() {
        Path jar = archives.jar()
                .source("pslf.Main", Archives.plugin("pslf", "slf", "1.0.0", "", ""))
                .resource("org/slf4j/Logger.class", new byte[] {1})
                .descriptor("id=slf", "version=1.0.0", "class=pslf.Main")
                .writeTo(folder.resolve("slf.jar"));
        assertThat(refusal()).hasMessageContaining(jar.toString()).hasMessageContaining("SLF4J");
    }

    @Test
    void anArchiveWithoutADescriptorIsNamed() {
        Path jar = archives.jar()
                .source("nod.Main", Archives.plugin("nod", "nod", "1.0.0", "", ""))
                .writeTo(folder.resolve("nod.jar"));
        assertThat(refusal()).hasMessageContaining(jar.toString()).hasMessageContaining("has no descriptor");
    }

    @Test
    void aDescriptorThatDisagreesWithTheCodeNamesBoth() {
        Path jar = archives.jar()
                .source("mis.Main", Archives.plugin("mis", "mismatch", "2.0.0", "", ""))
                .descriptor("id=mismatch", "version=1.0.0", "class=mis.Main")
                .writeTo(folder.resolve("mismatch.jar"));
        assertThat(refusal())
                .hasMessageContaining(jar.toString())
                .hasMessageContaining("descriptor says version 1.0.0")
                .hasMessageContaining("version() returns '2.0.0'");
    }

    @Test
    void anArchiveBuiltForAnotherPlinthApiIsRefused() {
        Path jar = plugin("future", "1.0.0", folder.resolve("future.jar"), "plinth=>=2");
        assertThat(refusal()).hasMessageContaining(jar.toString()).hasMessageContaining("built for Plinth API >=2");
    }

    @Test
    void aBadVersionInTheDescriptorIsNamed() {
        Path jar = archives.jar()
                .source("bv.Main", Archives.plugin("bv", "bv", "0", "", ""))
                .descriptor("id=bv", "version=one", "class=bv.Main")
                .writeTo(folder.resolve("bv.jar"));
        assertThat(refusal())
                .hasMessageContaining(jar.toString())
                .hasMessageContaining("version: 'one' is not a semantic version");
    }

    @Test
    void temporaryCopiesAreRemovedAfterARefusal() throws Exception {
        plugin("base", "1.4.0", folder.resolve("base.jar"));
        plugin("needs-base", "1.0.0", folder.resolve("needs-base.jar"), "requires=base@>=2");
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        long before = countCopies(tmp);
        refusal();
        assertThat(countCopies(tmp)).isLessThanOrEqualTo(before);
    }

    private static long countCopies(Path tmp) throws Exception {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.filter(p -> p.getFileName().toString().startsWith("plinth-plugin-"))
                    .count();
        }
    }
}
