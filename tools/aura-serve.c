/* aura serve [--db PATH] [--address A] [--port N] [--token-file F]
 *            [--cors-origin ORIGIN]... [--max-body-mb N] [--workers N]
 *            [--upload-queue N] [--quiet]
 *
 * Serves docs/api.md until SIGINT or SIGTERM. The token comes from
 * --token-file or $AURA_API_TOKEN; without one the API is read-only, and an
 * address beyond loopback is refused. On start it prints
 * "aura serve: listening on http://ADDRESS:PORT/ (database PATH)" on stderr
 * (with --port 0 the port is the one the system chose).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>

#include <glib-unix.h>
#include <gst/gst.h>

#include "aura-serve.h"
#include "server/aura-server.h"

#define EXIT_RUNTIME 1
#define EXIT_USAGE 2

typedef struct
{
  gchar *db, *address, *token_file;
  gchar **cors;
  gint port, max_body_mb, workers, upload_queue;
  gboolean quiet;
} ServeOptions;

static gboolean
on_signal (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_CONTINUE;
}

/* The token: the file's first line, or $AURA_API_TOKEN; NULL for none. */
static gchar *
read_token (const gchar * file, GError ** error)
{
  gchar *text = NULL;
  const gchar *env = g_getenv ("AURA_API_TOKEN");

  if (file == NULL) {
    if (env == NULL || *env == '\0')
      return NULL;
    text = g_strdup (env);
  } else if (!g_file_get_contents (file, &text, NULL, error)) {
    return NULL;
  }
  g_strdelimit (text, "\r\n", '\0');
  if (g_utf8_strlen (text, -1) < 16) {
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
        "the token (%s) is shorter than 16 characters",
        file ? file : "AURA_API_TOKEN");
    g_free (text);
    return NULL;
  }
  return text;
}

/* Access log lines of the server (domain aura-http) go to stderr unless
 * --quiet. */
static gboolean access_log = TRUE;

static GLogWriterOutput
log_writer (GLogLevelFlags level, const GLogField * fields, gsize n,
    gpointer user_data)
{
  const gchar *domain = NULL, *message = NULL;
  gsize i;

  for (i = 0; i < n; i++) {
    if (g_strcmp0 (fields[i].key, "GLIB_DOMAIN") == 0)
      domain = fields[i].value;
    else if (g_strcmp0 (fields[i].key, "MESSAGE") == 0)
      message = fields[i].value;
  }
  if (g_strcmp0 (domain, "aura-http") == 0 && (level & (G_LOG_LEVEL_INFO |
              G_LOG_LEVEL_MESSAGE))) {
    /* access lines unless --quiet; failed uploads (MESSAGE) always */
    if ((access_log || (level & G_LOG_LEVEL_MESSAGE)) && message)
      fprintf (stderr, "aura serve: %s\n", message);
    return G_LOG_WRITER_HANDLED;
  }
  return g_log_writer_default (level, fields, n, NULL);
}

static gint
serve (const ServeOptions * opt)
{
  AuraServerConfig config = { 0, };
  GError *error = NULL;
  GMainLoop *loop;
  AuraServer *server;
  gchar *token = read_token (opt->token_file, &error);

  if (error) {
    fprintf (stderr, "aura serve: cannot read the token: %s\n", error->message);
    g_error_free (error);
    return EXIT_USAGE;
  }
  config.db_path = opt->db;
  config.address = opt->address;
  config.port = opt->port;
  config.token = token;
  config.cors_origins = (const gchar * const *) opt->cors;
  config.max_body = (gsize) opt->max_body_mb * 1024 * 1024;
  config.upload_workers = opt->workers;
  config.upload_queue = opt->upload_queue;
  server = aura_server_new (&config, &error);
  if (server == NULL) {
    fprintf (stderr, "aura serve: %s\n", error->message);
    g_error_free (error);
    g_free (token);
    return EXIT_RUNTIME;
  }
  fprintf (stderr, "aura serve: listening on http://%s:%u/ (database %s)%s\n",
      opt->address ? opt->address : AURA_SERVER_DEFAULT_ADDRESS,
      aura_server_get_port (server), opt->db,
      token ? "" : "; read-only: no token (--token-file or AURA_API_TOKEN)");
  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, on_signal, loop);
  g_unix_signal_add (SIGTERM, on_signal, loop);
  g_main_loop_run (loop);
  fprintf (stderr, "aura serve: stopping\n");
  aura_server_free (server);
  g_main_loop_unref (loop);
  g_free (token);
  return 0;
}

gint
aura_cmd_serve (gint argc, gchar ** argv)
{
  ServeOptions opt = { NULL, NULL, NULL, NULL, AURA_SERVER_DEFAULT_PORT,
    AURA_SERVER_DEFAULT_MAX_BODY / (1024 * 1024), 0, 0, FALSE
  };
  GOptionEntry entries[] = {
    {"db", 0, 0, G_OPTION_ARG_FILENAME, &opt.db,
        "Session database (default aura-sessions.db)", "PATH"},
    {"address", 0, 0, G_OPTION_ARG_STRING, &opt.address,
        "Address to bind (default 127.0.0.1)", "A"},
    {"port", 0, 0, G_OPTION_ARG_INT, &opt.port,
        "Port (default 8080; 0: any free port)", "N"},
    {"token-file", 0, 0, G_OPTION_ARG_FILENAME, &opt.token_file,
        "File holding the bearer token (else $AURA_API_TOKEN)", "FILE"},
    {"cors-origin", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt.cors,
        "Allow this origin (repeatable; none by default)", "ORIGIN"},
    {"max-body-mb", 0, 0, G_OPTION_ARG_INT, &opt.max_body_mb,
        "Largest request body, MiB (default 200)", "N"},
    {"workers", 0, 0, G_OPTION_ARG_INT, &opt.workers,
        "Uploads analysed at once (default 2)", "N"},
    {"upload-queue", 0, 0, G_OPTION_ARG_INT, &opt.upload_queue,
        "Uploads waiting or running before 503 (default 8)", "N"},
    {"quiet", 'q', 0, G_OPTION_ARG_NONE, &opt.quiet,
        "No access log on stderr", NULL},
    {NULL}
  };
  GOptionContext *ctx = g_option_context_new ("- serve the session API");
  GError *error = NULL;
  gint ret = EXIT_USAGE;

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error)) {
    fprintf (stderr, "aura serve: %s\n", error->message);
    g_error_free (error);
  } else if (argc > 1) {
    fprintf (stderr, "aura serve: unexpected argument '%s'\n", argv[1]);
  } else if (opt.port < 0 || opt.port > 65535 || opt.max_body_mb < 1 ||
      opt.max_body_mb > 4096 || opt.workers < 0 || opt.workers > 64 ||
      opt.upload_queue < 0 || opt.upload_queue > 10000) {
    fprintf (stderr, "aura serve: --port must be 0..65535, --max-body-mb "
        "1..4096, --workers 0..64, --upload-queue 0..10000\n");
  } else {
    if (opt.db == NULL)
      opt.db = g_strdup ("aura-sessions.db");
    access_log = !opt.quiet;
    g_log_set_writer_func (log_writer, NULL, NULL);
    ret = serve (&opt);
  }
  g_option_context_free (ctx);
  g_free (opt.db);
  g_free (opt.address);
  g_free (opt.token_file);
  g_strfreev (opt.cors);
  return ret;
}
