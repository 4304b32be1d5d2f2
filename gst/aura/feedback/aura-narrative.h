/* AURA — the optional AI narrative of the coaching report: prompts from the
 * rule-based report's facts, sent through the one AI client (aura-ai-client.h)
 * from a worker thread, with one overall deadline. */
#ifndef __AURA_NARRATIVE_H__
#define __AURA_NARRATIVE_H__

#include <glib.h>

#include "aura-ai-client.h"

G_BEGIN_DECLS
/* Asks @client for a short narrative in @language_name ("English", "Français")
 * from @facts_json (the report's JSON). Runs the request in a worker thread and
 * waits at most @deadline_ms: past it the request is cancelled and NULL returned
 * with a TIMEOUT error. Never blocks longer than the deadline plus the time the
 * cancelled request takes to notice (a few milliseconds). */
    gchar * aura_narrative_request (AuraAiClient * client,
    const gchar * language_name, const gchar * facts_json, guint deadline_ms,
    GError ** error);

G_END_DECLS
#endif /* __AURA_NARRATIVE_H__ */
