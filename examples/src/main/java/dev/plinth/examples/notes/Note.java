package dev.plinth.examples.notes;

import java.time.Instant;
import java.util.List;

/**
 * A note as the notes plugin stores it: a record, mapped to JSON by the runtime.
 *
 * @param id the note id
 * @param title the title
 * @param body the text
 * @param tags free-form tags
 * @param created when it was written
 */
public record Note(String id, String title, String body, List<String> tags, Instant created) {}
