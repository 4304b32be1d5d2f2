/* aura — readable reports from AURA's JSON. */
#ifndef AURA_REPORT_H
#define AURA_REPORT_H

#include <stdio.h>
#include <glib.h>

G_BEGIN_DECLS
/* Prints the aura-summary JSON @json as a readable report about @input.
 * Returns FALSE if @json is not an aura-summary object. */
    gboolean aura_report_print_summary (FILE * out, const gchar * input,
    const gchar * json);

/* The coaching part of the readable report: the cues with their times and the
 * report's text, from the aura-report JSON. */
void aura_report_print_coaching (FILE * out, const gchar * report_json);

/* The aura-summary JSON with the aura-report JSON under "report" (or the summary
 * alone when @report_json is NULL): the one object `aura analyze --json` prints. */
gchar *aura_report_merge_json (const gchar * summary_json,
    const gchar * report_json);

G_END_DECLS
#endif /* AURA_REPORT_H */
