/* aura serve — the HTTP API, live WebSocket and dashboard over a session
 * database (gst/aura/server/aura-server.h). */
#ifndef __AURA_SERVE_H__
#define __AURA_SERVE_H__

#include <glib.h>

G_BEGIN_DECLS gint aura_cmd_serve (gint argc, gchar ** argv);

G_END_DECLS
#endif /* __AURA_SERVE_H__ */
