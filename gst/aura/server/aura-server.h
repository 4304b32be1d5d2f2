/* AURA — the HTTP API (libsoup 3): sessions, analytics, live WebSocket,
 * health, Prometheus metrics and the dashboard, over one session database.
 * Served by `aura serve` and by aurasessionsink's http-port. See docs/api.md.
 */
#ifndef __AURA_SERVER_H__
#define __AURA_SERVER_H__

#include <glib.h>

G_BEGIN_DECLS
#define AURA_SERVER_DEFAULT_ADDRESS "127.0.0.1"
#define AURA_SERVER_DEFAULT_PORT 8080
#define AURA_SERVER_DEFAULT_MAX_BODY (200 * 1024 * 1024)
#define AURA_SERVER_DEFAULT_MAX_CLIENTS 64
#define AURA_SERVER_DEFAULT_WORKERS 2
#define AURA_SERVER_DEFAULT_UPLOAD_QUEUE 8
    typedef struct
{
  const gchar *db_path;         /* required */
  const gchar *address;         /* NULL: 127.0.0.1 */
  guint port;                   /* 0: any free port (see get_port) */
  const gchar *token;           /* bearer token; NULL: writes are refused */
  const gchar *const *cors_origins;     /* allowed origins; NULL: none */
  gsize max_body;               /* bytes; 0: the default */
  guint max_ws_clients;         /* 0: the default */
  guint upload_workers;         /* 0: the default; uploads need a token */
  guint upload_queue;           /* uploads waiting or running; 0: default */
  guint keepalive_s;            /* WebSocket ping interval; 0: 15 s */
  guint follow_ms;              /* database polling of other processes'
                                 * sessions; 0: 250 ms */
} AuraServerConfig;

typedef struct _AuraServer AuraServer;

/* Opens the database and listens, in the thread-default main context of the
 * caller (its loop must run for the server to answer). Refuses to bind a
 * non-loopback address without a token. */
AuraServer *aura_server_new (const AuraServerConfig * config, GError ** error);
guint aura_server_get_port (AuraServer * server);
/* Stops listening, closes WebSockets and waits for running uploads. */
void aura_server_free (AuraServer * server);

/* The same in a thread of its own (for aurasessionsink's http-port). */
typedef struct _AuraServerThread AuraServerThread;
AuraServerThread *aura_server_thread_start (const AuraServerConfig * config,
    GError ** error);
guint aura_server_thread_get_port (AuraServerThread * thread);
void aura_server_thread_stop (AuraServerThread * thread);

G_END_DECLS
#endif /* __AURA_SERVER_H__ */
