/* AURA — the live hub: records of the sessions this process is recording,
 * handed from the recording (aurasessionsink's streaming thread) to live
 * subscribers (WebSocket clients in a server's main context). GLib only.
 *
 * Publishing never blocks on a subscriber: each subscription has a bound on
 * the records waiting for its main context; past it the subscription is
 * marked overflowed, told once, and gets nothing more.
 */
#ifndef __AURA_LIVE_H__
#define __AURA_LIVE_H__

#include <glib.h>

G_BEGIN_DECLS typedef enum
{
  AURA_LIVE_RECORD,             /* @json: one record (an object with "type") */
  AURA_LIVE_END,                /* @json: the session's end status */
  AURA_LIVE_OVERFLOW,           /* the subscriber fell behind: dropped */
} AuraLiveEvent;

typedef void (*AuraLiveFunc) (AuraLiveEvent event, const gchar * json,
    gpointer user_data);

typedef struct _AuraLiveSubscription AuraLiveSubscription;

/* The recording side. */
void aura_live_begin (const gchar * session_id);
void aura_live_publish (const gchar * session_id, const gchar * json);
void aura_live_end (const gchar * session_id, const gchar * status);
/* TRUE when someone subscribed to @session_id (a publisher may skip the
 * work of a record nobody gets). */
gboolean aura_live_has_subscribers (const gchar * session_id);
/* TRUE while a recording of @session_id in this process is between begin
 * and end. */
gboolean aura_live_is_recording (const gchar * session_id);

/* Calls @func in @context for each record published for @session_id from
 * now on, at most @max_pending waiting at once. @func is never called after
 * aura_live_unsubscribe() returns (call it from @context's thread). */
AuraLiveSubscription *aura_live_subscribe (const gchar * session_id,
    GMainContext * context, guint max_pending, AuraLiveFunc func,
    gpointer user_data);
void aura_live_unsubscribe (AuraLiveSubscription * sub);

/* Records published since the process started (all sessions). */
guint64 aura_live_get_published (void);

G_END_DECLS
#endif /* __AURA_LIVE_H__ */
