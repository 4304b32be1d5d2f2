/* AURA — the live hub. A process-wide table (session id -> subscriptions),
 * like the registry of a bus: publishers and subscribers find each other by
 * session id without knowing each other.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "aura-live.h"

struct _AuraLiveSubscription
{
  gint refcount;                /* the hub's list, each delivery in flight */
  gchar *session_id;
  GMainContext *context;
  guint max_pending;
  AuraLiveFunc func;
  gpointer user_data;
  /* under hub_lock */
  guint pending;
  gboolean overflowed, cancelled;
};

typedef struct
{
  AuraLiveSubscription *sub;
  AuraLiveEvent event;
  gchar *json;
} Delivery;

static GMutex hub_lock;
static GHashTable *recording;   /* session ids being recorded */
static GHashTable *subscribers; /* session id -> GList of subscriptions */
static guint64 published;

static void
ensure_tables (void)
{
  if (recording == NULL) {
    recording = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    subscribers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  }
}

static void
sub_unref (AuraLiveSubscription * sub)
{
  if (!g_atomic_int_dec_and_test (&sub->refcount))
    return;
  g_main_context_unref (sub->context);
  g_free (sub->session_id);
  g_free (sub);
}

static gboolean
deliver (gpointer data)
{
  Delivery *d = data;
  gboolean cancelled;

  g_mutex_lock (&hub_lock);
  if (d->sub->pending > 0)
    d->sub->pending--;
  cancelled = d->sub->cancelled;
  g_mutex_unlock (&hub_lock);
  /* cancelled is only set in this context's thread, so it cannot change
   * between the check and the call */
  if (!cancelled)
    d->sub->func (d->event, d->json, d->sub->user_data);
  return G_SOURCE_REMOVE;
}

static void
delivery_free (gpointer data)
{
  Delivery *d = data;

  sub_unref (d->sub);
  g_free (d->json);
  g_free (d);
}

/* Called with hub_lock held. @force: END and OVERFLOW pass the bound. */
static void
queue_delivery (AuraLiveSubscription * sub, AuraLiveEvent event,
    const gchar * json, gboolean force)
{
  Delivery *d;
  GSource *source;

  if (sub->cancelled || sub->overflowed)
    return;
  if (!force && sub->pending >= sub->max_pending) {
    sub->overflowed = TRUE;
    event = AURA_LIVE_OVERFLOW;
    json = NULL;
  }
  d = g_new0 (Delivery, 1);
  d->sub = sub;
  g_atomic_int_inc (&sub->refcount);
  d->event = event;
  d->json = g_strdup (json);
  sub->pending++;
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, deliver, d, delivery_free);
  g_source_attach (source, sub->context);
  g_source_unref (source);
}

void
aura_live_begin (const gchar * session_id)
{
  g_mutex_lock (&hub_lock);
  ensure_tables ();
  g_hash_table_add (recording, g_strdup (session_id));
  g_mutex_unlock (&hub_lock);
}

gboolean
aura_live_is_recording (const gchar * session_id)
{
  gboolean ret;

  g_mutex_lock (&hub_lock);
  ret = recording && g_hash_table_contains (recording, session_id);
  g_mutex_unlock (&hub_lock);
  return ret;
}

gboolean
aura_live_has_subscribers (const gchar * session_id)
{
  gboolean ret;

  g_mutex_lock (&hub_lock);
  ret = subscribers && g_hash_table_contains (subscribers, session_id);
  g_mutex_unlock (&hub_lock);
  return ret;
}

static void
broadcast (const gchar * session_id, AuraLiveEvent event, const gchar * json)
{
  GList *l;

  g_mutex_lock (&hub_lock);
  ensure_tables ();
  for (l = g_hash_table_lookup (subscribers, session_id); l; l = l->next)
    queue_delivery (l->data, event, json, event != AURA_LIVE_RECORD);
  if (event == AURA_LIVE_RECORD)
    published++;
  else
    g_hash_table_remove (recording, session_id);
  g_mutex_unlock (&hub_lock);
}

void
aura_live_publish (const gchar * session_id, const gchar * json)
{
  broadcast (session_id, AURA_LIVE_RECORD, json);
}

void
aura_live_end (const gchar * session_id, const gchar * status)
{
  broadcast (session_id, AURA_LIVE_END, status);
}

AuraLiveSubscription *
aura_live_subscribe (const gchar * session_id, GMainContext * context,
    guint max_pending, AuraLiveFunc func, gpointer user_data)
{
  AuraLiveSubscription *sub = g_new0 (AuraLiveSubscription, 1);
  GList *list;

  sub->refcount = 1;
  sub->session_id = g_strdup (session_id);
  sub->context = g_main_context_ref (context);
  sub->max_pending = MAX (max_pending, 1);
  sub->func = func;
  sub->user_data = user_data;

  g_mutex_lock (&hub_lock);
  ensure_tables ();
  list = g_hash_table_lookup (subscribers, session_id);
  list = g_list_prepend (list, sub);
  g_hash_table_replace (subscribers, g_strdup (session_id), list);
  g_mutex_unlock (&hub_lock);
  return sub;
}

void
aura_live_unsubscribe (AuraLiveSubscription * sub)
{
  GList *list;

  if (sub == NULL)
    return;
  g_mutex_lock (&hub_lock);
  sub->cancelled = TRUE;
  list = g_hash_table_lookup (subscribers, sub->session_id);
  list = g_list_remove (list, sub);
  if (list)
    g_hash_table_replace (subscribers, g_strdup (sub->session_id), list);
  else
    g_hash_table_remove (subscribers, sub->session_id);
  g_mutex_unlock (&hub_lock);
  sub_unref (sub);
}

guint64
aura_live_get_published (void)
{
  guint64 n;

  g_mutex_lock (&hub_lock);
  n = published;
  g_mutex_unlock (&hub_lock);
  return n;
}
