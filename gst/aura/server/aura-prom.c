/* AURA — Prometheus text exposition of the HTTP server's counters. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "aura-prom.h"

/* Upper bounds in seconds; the last bucket is +Inf. */
static const gdouble bucket_bounds[] = {
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
};

#define N_BUCKETS (G_N_ELEMENTS (bucket_bounds) + 1)

typedef struct
{
  guint64 buckets[N_BUCKETS];   /* not cumulative; summed on output */
  guint64 count;
  gdouble sum;
} Histogram;

struct _AuraProm
{
  GMutex lock;
  GHashTable *requests;         /* "method\troute\tstatus" -> guint64* */
  GHashTable *latency;          /* route -> Histogram */
};

AuraProm *
aura_prom_new (void)
{
  AuraProm *prom = g_new0 (AuraProm, 1);

  g_mutex_init (&prom->lock);
  prom->requests = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      g_free);
  prom->latency = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      g_free);
  return prom;
}

void
aura_prom_free (AuraProm * prom)
{
  if (prom == NULL)
    return;
  g_hash_table_unref (prom->requests);
  g_hash_table_unref (prom->latency);
  g_mutex_clear (&prom->lock);
  g_free (prom);
}

void
aura_prom_observe_request (AuraProm * prom, const gchar * method,
    const gchar * route, guint status, gdouble seconds)
{
  gchar *key = g_strdup_printf ("%s\t%s\t%u", method, route, status);
  guint64 *count;
  Histogram *h;
  guint i;

  g_mutex_lock (&prom->lock);
  count = g_hash_table_lookup (prom->requests, key);
  if (count == NULL) {
    count = g_new0 (guint64, 1);
    g_hash_table_insert (prom->requests, key, count);
  } else {
    g_free (key);
  }
  (*count)++;
  h = g_hash_table_lookup (prom->latency, route);
  if (h == NULL) {
    h = g_new0 (Histogram, 1);
    g_hash_table_insert (prom->latency, g_strdup (route), h);
  }
  for (i = 0; i < G_N_ELEMENTS (bucket_bounds) && seconds > bucket_bounds[i];
      i++);
  h->buckets[i]++;
  h->count++;
  h->sum += seconds;
  g_mutex_unlock (&prom->lock);
}

/* Label values are our own route patterns and method names, but escape them
 * as the format requires anyway. */
static void
append_label (GString * out, const gchar * name, const gchar * value)
{
  const gchar *p;

  g_string_append_printf (out, "%s=\"", name);
  for (p = value; *p; p++) {
    if (*p == '\\' || *p == '"')
      g_string_append_c (out, '\\');
    if (*p == '\n')
      g_string_append (out, "\\n");
    else
      g_string_append_c (out, *p);
  }
  g_string_append_c (out, '"');
}

static gint
compare_keys (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const gchar * const *) a, *(const gchar * const *) b);
}

/* The keys of @table, sorted: stable output for people and diffs. */
static GPtrArray *
sorted_keys (GHashTable * table)
{
  GPtrArray *keys = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (keys, key);
  g_ptr_array_sort (keys, compare_keys);
  return keys;
}

static void
write_counters (AuraProm * prom, GString * out)
{
  GPtrArray *keys = sorted_keys (prom->requests);
  guint i;

  g_string_append (out, "# HELP aura_http_requests_total HTTP requests "
      "answered, by method, route and status.\n"
      "# TYPE aura_http_requests_total counter\n");
  for (i = 0; i < keys->len; i++) {
    const gchar *key = g_ptr_array_index (keys, i);
    gchar **parts = g_strsplit (key, "\t", 3);

    g_string_append (out, "aura_http_requests_total{");
    append_label (out, "method", parts[0]);
    g_string_append_c (out, ',');
    append_label (out, "route", parts[1]);
    g_string_append_c (out, ',');
    append_label (out, "code", parts[2]);
    g_string_append_printf (out, "} %" G_GUINT64_FORMAT "\n",
        *(guint64 *) g_hash_table_lookup (prom->requests, key));
    g_strfreev (parts);
  }
  g_ptr_array_unref (keys);
}

static void
write_histograms (AuraProm * prom, GString * out)
{
  GPtrArray *keys = sorted_keys (prom->latency);
  gchar num[G_ASCII_DTOSTR_BUF_SIZE];
  guint i, b;

  g_string_append (out, "# HELP aura_http_request_duration_seconds Time "
      "from request start to response finished, by route.\n"
      "# TYPE aura_http_request_duration_seconds histogram\n");
  for (i = 0; i < keys->len; i++) {
    const gchar *route = g_ptr_array_index (keys, i);
    Histogram *h = g_hash_table_lookup (prom->latency, route);
    guint64 cumulative = 0;

    for (b = 0; b < N_BUCKETS; b++) {
      cumulative += h->buckets[b];
      g_string_append (out, "aura_http_request_duration_seconds_bucket{");
      append_label (out, "route", route);
      if (b < G_N_ELEMENTS (bucket_bounds))
        g_string_append_printf (out, ",le=\"%s\"} %" G_GUINT64_FORMAT "\n",
            g_ascii_formatd (num, sizeof (num), "%g", bucket_bounds[b]),
            cumulative);
      else
        g_string_append_printf (out, ",le=\"+Inf\"} %" G_GUINT64_FORMAT "\n",
            cumulative);
    }
    g_string_append (out, "aura_http_request_duration_seconds_sum{");
    append_label (out, "route", route);
    g_string_append_printf (out, "} %s\n", g_ascii_dtostr (num, sizeof (num),
            h->sum));
    g_string_append (out, "aura_http_request_duration_seconds_count{");
    append_label (out, "route", route);
    g_string_append_printf (out, "} %" G_GUINT64_FORMAT "\n", h->count);
  }
  g_ptr_array_unref (keys);
}

void
aura_prom_write_requests (AuraProm * prom, GString * out)
{
  g_mutex_lock (&prom->lock);
  write_counters (prom, out);
  write_histograms (prom, out);
  g_mutex_unlock (&prom->lock);
}

static void
write_single (GString * out, const gchar * type, const gchar * name,
    const gchar * help, gdouble value)
{
  gchar num[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append_printf (out, "# HELP %s %s\n# TYPE %s %s\n%s %s\n", name,
      help, name, type, name, g_ascii_dtostr (num, sizeof (num), value));
}

void
aura_prom_write_gauge (GString * out, const gchar * name, const gchar * help,
    gdouble value)
{
  write_single (out, "gauge", name, help, value);
}

void
aura_prom_write_counter (GString * out, const gchar * name,
    const gchar * help, gdouble value)
{
  write_single (out, "counter", name, help, value);
}
