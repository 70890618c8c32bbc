package dev.plinth.core.health;

/**
 * One plugin's watches, as metrics see them.
 *
 * @param subscriptions active watch subscriptions of the plugin
 * @param bufferedEvents change events waiting for those listeners now (a full buffer overflows and drops)
 */
public record WatchBacklog(int subscriptions, long bufferedEvents) {}
