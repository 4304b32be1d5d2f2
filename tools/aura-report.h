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

G_END_DECLS
#endif /* AURA_REPORT_H */
