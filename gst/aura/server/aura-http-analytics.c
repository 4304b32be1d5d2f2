/* AURA — HTTP handler for analytics: each speaker's progress across
 * sessions (aura-analytics.c computes it). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "aura-server-private.h"

void
aura_http_analytics (AuraRequest * req)
{
  const gchar *speaker;
  gchar *from = NULL, *to = NULL;
  GError *error = NULL;
  JsonNode *node;

  if (aura_query_text (req, "speaker", 256, &speaker) &&
      aura_query_time (req, "from", &from) &&
      aura_query_time (req, "to", &to)) {
    node = aura_db_analytics (req->server->db, speaker, from, to, &error);
    if (node) {
      aura_send_json (req, 200, node);
      json_node_unref (node);
    } else {
      aura_send_db_error (req, error);
      g_error_free (error);
    }
  }
  g_free (from);
  g_free (to);
}
