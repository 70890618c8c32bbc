package dev.plinth.examples.notes;

import dev.plinth.api.plugin.Plugin;
import dev.plinth.api.plugin.PluginContext;
import dev.plinth.api.storage.KeyValueStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;

/**
 * Keeps notes as JSON values under {@code note:<id>}, and a {@code count} of notes written. Another
 * plugin ({@code visits}) also uses a key named {@code count}: each sees only its own.
 */
public final class NotesPlugin implements Plugin {
    private KeyValueStore store;
    private Logger log;

    @Override
    public String id() {
        return "notes";
    }

    @Override
    public String version() {
        return "1.0.0";
    }

    @Override
    public void init(PluginContext context) {
        this.store = context.storage();
        this.log = context.logger();
    }

    @Override
    public void start() {
        long n = store.increment("count", 1);
        Note note = new Note("n" + n, "Note number " + n, "Written on start #" + n, List.of("demo"), Instant.now());
        store.setObject("note:" + note.id(), note);
        log.info("notes: wrote {} ({} notes in total: {})", note.id(), n, titles());
    }

    /**
     * @param id a note id
     * @return the note, if stored
     */
    public Optional<Note> find(String id) {
        return store.getObject("note:" + id, Note.class);
    }

    /** @return the titles of all notes, in key order */
    public List<String> titles() {
        List<String> titles = new ArrayList<>();
        for (String key : store.keys("note:*")) {
            store.getObject(key, Note.class).ifPresent(note -> titles.add(note.title()));
        }
        return titles;
    }
}
