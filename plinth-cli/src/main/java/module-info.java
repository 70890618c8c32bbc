/**
 * The {@code plinth} operator command: a thin picocli layer on {@code dev.plinth.core.admin.StorageAdmin}.
 */
module dev.plinth.cli {
    requires dev.plinth.core;
    requires info.picocli;
    requires org.slf4j;
    requires org.jspecify;
    requires com.fasterxml.jackson.core;

    exports dev.plinth.cli;

    // picocli fills the commands' annotated fields reflectively.
    opens dev.plinth.cli to
            info.picocli;
}
