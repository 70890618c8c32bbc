package dev.plinth.provider.jsonfile.internal;

import static dev.plinth.provider.jsonfile.internal.Backends.present;
import static dev.plinth.provider.jsonfile.internal.Backends.text;
import static dev.plinth.provider.jsonfile.internal.Backends.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.spi.storage.ChangeListener;
import dev.plinth.spi.storage.Namespace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FileNamesTest {

    @TempDir
    Path root;

    @ParameterizedTest
    @ValueSource(
            strings = {
                "..",
                ".",
                "../../etc/passwd",
                "a/../../b",
                "a\\..\\b",
                "C:\\Windows",
                "nul\u0000x",
                "CON",
                "nul",
                "aux",
                "com1",
                "LPT1",
                "/abs",
                "",
                " ",
                "ns-..",
                "x.g1.json"
            })
    void namespaceStemsAreHexBehindAFixedPrefix(String path) {
        String stem = FileNames.namespaceStem(path);
        assertThat(stem).matches("ns-[0-9a-f]*");
        String name = FileNames.snapshot(path, 3);
        assertThat(FileNames.isSnapshot(name) || path.isEmpty()).isTrue();
        Path resolved = root.resolve(name).normalize();
        assertThat(resolved.getParent()).isEqualTo(root.normalize());
    }

    @Test
    void veryLongNamesAreCutAndHashedAndStayDistinct() {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            String path = "a".repeat(5000) + i;
            String name = FileNames.snapshot(path, Long.MAX_VALUE);
            assertThat(name.length()).isLessThanOrEqualTo(160);
            assertThat(FileNames.isSnapshot(name)).isTrue();
            names.add(name);
        }
        assertThat(names).hasSize(100);
    }

    @Test
    void trickyNamespacesNeverWriteOutsideTheFolder() throws IOException {
        Path dir = root.resolve("data");
        List<Namespace> tricky = new ArrayList<>(List.of(
                Namespace.of(".."),
                Namespace.of("..").child(".."),
                Namespace.of(".").child(".."),
                Namespace.of("con"),
                Namespace.of("nul").child("aux"),
                Namespace.of("com1"),
                Namespace.of("-")));
        Namespace deep = Namespace.of("x".repeat(64));
        for (int i = 0; i < 12; i++) {
            deep = deep.child("y".repeat(60) + i);
        }
        tricky.add(deep);
        try (JsonFileStorageBackend b = Backends.open(dir, ChangeListener.NONE)) {
            for (Namespace ns : tricky) {
                b.set(ns, "../../escape", utf8(ns.path()), 0);
                b.set(ns, "C:\\evil", utf8("x"), 0);
            }
            b.compactNow();
        }
        try (Stream<Path> all = Files.walk(root)) {
            assertThat(all.filter(p -> !p.equals(root) && !p.equals(dir)))
                    .allSatisfy(p -> assertThat(p.getParent()).isEqualTo(dir))
                    .allSatisfy(p -> assertThat(p.getFileName().toString())
                            .matches("ns-[0-9a-f]+(-h[0-9a-f]{32})?\\.g1\\.json|manifest\\.json|\\.lock"
                                    + "|journal-[0-9]{12}\\.jsonl"));
        }
        try (JsonFileStorageBackend b = Backends.open(dir, ChangeListener.NONE)) {
            for (Namespace ns : tricky) {
                assertThat(text(present(b.get(ns, "../../escape")).value())).isEqualTo(ns.path());
            }
        }
    }
}
