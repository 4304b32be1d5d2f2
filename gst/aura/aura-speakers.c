/* AURA — conversation metrics across the speakers of a session (see
 * aura-speakers.h). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>

#include "aura-speakers.h"
#include "aura-conversation.h"

typedef struct
{
  gdouble start, end;
} Span;

typedef struct
{
  gchar *name;
  GArray *spans;                /* Span, speech */
} Speaker;

struct _AuraSpeakers
{
  GPtrArray *speakers;          /* Speaker, in order of first summary */
};

static void
speaker_free (Speaker * s)
{
  g_free (s->name);
  g_array_unref (s->spans);
  g_free (s);
}

AuraSpeakers *
aura_speakers_new (void)
{
  AuraSpeakers *sp = g_new0 (AuraSpeakers, 1);

  sp->speakers = g_ptr_array_new_with_free_func ((GDestroyNotify)
      speaker_free);
  return sp;
}

void
aura_speakers_free (AuraSpeakers * sp)
{
  if (sp == NULL)
    return;
  g_ptr_array_unref (sp->speakers);
  g_free (sp);
}

guint
aura_speakers_count (AuraSpeakers * sp)
{
  return sp->speakers->len;
}

static gdouble
number_member (JsonObject * obj, const gchar * name)
{
  JsonNode *node = json_object_get_member (obj, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NAN;
  return json_node_get_double (node);
}

static void
add_span (GArray * spans, gdouble start, gdouble end)
{
  Span span = { start, end };

  if (isfinite (start) && isfinite (end) && end > start)
    g_array_append_val (spans, span);
}

/* [speech_start, speech_end] without the pauses (which lie inside it, in
 * order). */
static GArray *
speech_spans (JsonObject * summary)
{
  GArray *spans = g_array_new (FALSE, FALSE, sizeof (Span));
  gdouble start = number_member (summary, "speech_start");
  gdouble end = number_member (summary, "speech_end");
  JsonNode *node = json_object_get_member (summary, "pause_list");
  JsonArray *pauses = node && JSON_NODE_HOLDS_ARRAY (node) ?
      json_node_get_array (node) : NULL;
  gdouble from = start;
  guint i;

  if (!isfinite (start) || !isfinite (end))
    return spans;
  for (i = 0; pauses && i < json_array_get_length (pauses); i++) {
    JsonNode *p = json_array_get_element (pauses, i);
    gdouble ps, pe;

    if (!JSON_NODE_HOLDS_OBJECT (p))
      continue;
    ps = number_member (json_node_get_object (p), "start");
    pe = number_member (json_node_get_object (p), "end");
    if (!isfinite (ps) || !isfinite (pe) || ps < from || pe > end)
      continue;
    add_span (spans, from, ps);
    from = pe;
  }
  add_span (spans, from, end);
  return spans;
}

void
aura_speakers_add_summary (AuraSpeakers * sp, const gchar * name,
    JsonObject * summary)
{
  Speaker *s = NULL;
  guint i;

  for (i = 0; i < sp->speakers->len && s == NULL; i++)
    if (g_strcmp0 (((Speaker *) g_ptr_array_index (sp->speakers, i))->name,
            name) == 0)
      s = g_ptr_array_index (sp->speakers, i);
  if (s == NULL) {
    s = g_new0 (Speaker, 1);
    s->name = g_strdup (name);
    g_ptr_array_add (sp->speakers, s);
  } else {
    g_array_unref (s->spans);
  }
  s->spans = speech_spans (summary);
}

static JsonObject *
stats_to_json (AuraSpeakers * sp, const AuraConversationStats * st,
    const AuraConversationSpeaker * per)
{
  JsonObject *obj = json_object_new ();
  JsonArray *speakers = json_array_new ();
  guint i;

  json_object_set_string_member (obj, "type", "aura-conversation");
  for (i = 0; i < sp->speakers->len; i++) {
    JsonObject *o = json_object_new ();

    json_object_set_string_member (o, "speaker",
        ((Speaker *) g_ptr_array_index (sp->speakers, i))->name);
    json_object_set_double_member (o, "talk_time", per[i].talk_time);
    json_object_set_double_member (o, "talk_share", per[i].talk_share);
    json_object_set_int_member (o, "turns", per[i].turns);
    json_object_set_double_member (o, "longest_monologue",
        per[i].longest_monologue);
    json_array_add_object_element (speakers, o);
  }
  json_object_set_array_member (obj, "speakers", speakers);
  json_object_set_double_member (obj, "extent", st->extent);
  json_object_set_int_member (obj, "turns", st->turns);
  json_object_set_int_member (obj, "overlaps", st->overlaps);
  json_object_set_double_member (obj, "overlap_time", st->overlap_time);
  json_object_set_double_member (obj, "overlap_share", st->overlap_share);
  json_object_set_double_member (obj, "silence_time", st->silence_time);
  json_object_set_double_member (obj, "silence_share", st->silence_share);
  json_object_set_double_member (obj, "longest_monologue",
      st->longest_monologue);
  if (st->longest_monologue_speaker >= 0)
    json_object_set_string_member (obj, "longest_monologue_speaker",
        ((Speaker *) g_ptr_array_index (sp->speakers,
                st->longest_monologue_speaker))->name);
  else
    json_object_set_null_member (obj, "longest_monologue_speaker");
  return obj;
}

JsonObject *
aura_speakers_conversation (AuraSpeakers * sp)
{
  guint n = sp->speakers->len, i, j;
  AuraConversation *conv;
  AuraConversationStats st;
  AuraConversationSpeaker *per;
  JsonObject *obj = NULL;

  if (n < 2)
    return NULL;
  conv = aura_conversation_new ((int) n, AURA_SPEAKERS_MIN_GAP);
  if (conv == NULL)
    return NULL;
  for (i = 0; i < n; i++) {
    Speaker *s = g_ptr_array_index (sp->speakers, i);

    for (j = 0; j < s->spans->len; j++) {
      Span *span = &g_array_index (s->spans, Span, j);

      aura_conversation_add_span (conv, (int) i, span->start, span->end);
    }
  }
  per = g_new0 (AuraConversationSpeaker, n);
  if (aura_conversation_compute (conv, &st, per) == AURA_CONVERSATION_OK)
    obj = stats_to_json (sp, &st, per);
  g_free (per);
  aura_conversation_free (conv);
  return obj;
}
