package dev.plinth.core.admin;

/**
 * What an export wrote.
 *
 * @param scopes scopes exported
 * @param entries keys written (one line each)
 */
public record ExportReport(long scopes, long entries) {}
