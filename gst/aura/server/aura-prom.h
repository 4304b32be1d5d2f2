/* AURA — Prometheus text exposition (version 0.0.4) of the HTTP server's own
 * counters: requests by method, route and status, and a latency histogram
 * by route. Thread-safe. GLib only. */
#ifndef __AURA_PROM_H__
#define __AURA_PROM_H__

#include <glib.h>

G_BEGIN_DECLS typedef struct _AuraProm AuraProm;

AuraProm *aura_prom_new (void);
void aura_prom_free (AuraProm * prom);

/* One request answered: @route is the route's pattern (bounded label
 * values: never the raw path). */
void aura_prom_observe_request (AuraProm * prom, const gchar * method,
    const gchar * route, guint status, gdouble seconds);

/* Appends the request counters and the histogram. */
void aura_prom_write_requests (AuraProm * prom, GString * out);

/* One metric family with a single unlabelled sample. */
void aura_prom_write_gauge (GString * out, const gchar * name,
    const gchar * help, gdouble value);
void aura_prom_write_counter (GString * out, const gchar * name,
    const gchar * help, gdouble value);

G_END_DECLS
#endif /* __AURA_PROM_H__ */
