/* AURA — conversation metrics. See aura-conversation.h. */
#include "aura-conversation.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define INITIAL_SPANS 64
#define NONE          SIZE_MAX  /* no segment */

typedef struct
{
  double start, end;            /* s, [start, end) */
  int speaker;
} Span;

/* The start or the end of a span, for the sweeps. */
typedef struct
{
  double time;
  int is_start;                 /* ends sort before starts at the same time */
  int speaker;
  size_t index;                 /* of the span */
} Event;

struct AuraConversation
{
  int n_speakers;
  double min_gap;

  Span *spans;                  /* as added, zero-length ones left out */
  size_t n_spans, cap_spans;
  double span_min, span_max;    /* earliest start, latest end */

  int has_extent;
  double extent_start, extent_end;
};

AuraConversation *
aura_conversation_new (int n_speakers, double min_gap)
{
  AuraConversation *c;

  if (n_speakers < 0 || !isfinite (min_gap) || min_gap < 0.0)
    return NULL;
  c = calloc (1, sizeof (AuraConversation));
  if (c == NULL)
    return NULL;
  c->n_speakers = n_speakers;
  c->min_gap = min_gap;
  return c;
}

void
aura_conversation_free (AuraConversation * c)
{
  if (c == NULL)
    return;
  free (c->spans);
  free (c);
}

int
aura_conversation_n_speakers (const AuraConversation * c)
{
  return c->n_speakers;
}

int
aura_conversation_add_span (AuraConversation * c, int speaker, double start,
    double end)
{
  Span *s;

  if (speaker < 0 || speaker >= c->n_speakers || !isfinite (start)
      || !isfinite (end) || end < start)
    return AURA_CONVERSATION_ERROR_INVALID;
  if (end == start)
    return AURA_CONVERSATION_OK;
  if (c->n_spans == c->cap_spans) {
    size_t cap = c->cap_spans ? c->cap_spans * 2 : INITIAL_SPANS;
    Span *p;

    /* compute() also needs two events per span */
    if (c->cap_spans > SIZE_MAX / 2 / (2 * sizeof (Event)))
      return AURA_CONVERSATION_ERROR_NOMEM;
    p = realloc (c->spans, cap * sizeof (Span));
    if (p == NULL)
      return AURA_CONVERSATION_ERROR_NOMEM;
    c->spans = p;
    c->cap_spans = cap;
  }
  s = &c->spans[c->n_spans];
  s->start = start;
  s->end = end;
  s->speaker = speaker;
  if (c->n_spans == 0 || start < c->span_min)
    c->span_min = start;
  if (c->n_spans == 0 || end > c->span_max)
    c->span_max = end;
  c->n_spans++;
  return AURA_CONVERSATION_OK;
}

int
aura_conversation_set_extent (AuraConversation * c, double start, double end)
{
  if (!isfinite (start) || !isfinite (end) || end < start)
    return AURA_CONVERSATION_ERROR_INVALID;
  c->has_extent = 1;
  c->extent_start = start;
  c->extent_end = end;
  return AURA_CONVERSATION_OK;
}

/* By speaker, then start: each speaker's spans in time order. */
static int
compare_spans (const void *pa, const void *pb)
{
  const Span *a = pa, *b = pb;

  if (a->speaker != b->speaker)
    return a->speaker < b->speaker ? -1 : 1;
  if (a->start != b->start)
    return a->start < b->start ? -1 : 1;
  if (a->end != b->end)
    return a->end < b->end ? -1 : 1;
  return 0;
}

/* By time, then ends before starts, then by speaker. The sweeps apply every event
 * of one time before they look at the state, so spans are half-open whatever the
 * order within a time; the speaker order puts equal starts in index order in the
 * list of stretches being spoken, which gives the floor to the lower index. */
static int
compare_events (const void *pa, const void *pb)
{
  const Event *a = pa, *b = pb;

  if (a->time != b->time)
    return a->time < b->time ? -1 : 1;
  if (a->is_start != b->is_start)
    return a->is_start < b->is_start ? -1 : 1;
  if (a->speaker != b->speaker)
    return a->speaker < b->speaker ? -1 : 1;
  if (a->index != b->index)
    return a->index < b->index ? -1 : 1;
  return 0;
}

/* Fills @ev with the starts and ends of @n spans and sorts them. */
static void
make_events (const Span * s, size_t n, Event * ev)
{
  size_t i;

  for (i = 0; i < n; i++) {
    ev[2 * i].time = s[i].start;
    ev[2 * i].is_start = 1;
    ev[2 * i].speaker = s[i].speaker;
    ev[2 * i].index = i;
    ev[2 * i + 1].time = s[i].end;
    ev[2 * i + 1].is_start = 0;
    ev[2 * i + 1].speaker = s[i].speaker;
    ev[2 * i + 1].index = i;
  }
  qsort (ev, 2 * n, sizeof (Event), compare_events);
}

/* Joins, within each speaker, the spans of @s (sorted by speaker and start) that
 * overlap or touch, or whose gap is shorter than @gap. In place; returns the new
 * count. */
static size_t
join_spans (Span * s, size_t n, double gap)
{
  size_t i, m = 0;

  for (i = 0; i < n; i++) {
    if (m > 0 && s[m - 1].speaker == s[i].speaker
        && (s[i].start <= s[m - 1].end || s[i].start - s[m - 1].end < gap)) {
      if (s[i].end > s[m - 1].end)
        s[m - 1].end = s[i].end;
    } else {
      s[m++] = s[i];
    }
  }
  return m;
}

/* Overlap and silence over the merged spans of all speakers. */
static void
sweep_overlaps (const Event * ev, size_t ne, double extent_start,
    double extent_end, AuraConversationStats * out)
{
  double prev = extent_start;
  int count = 0, in_overlap = 0;
  size_t i = 0;

  while (i < ne) {
    double t = ev[i].time;

    /* [prev, t) had `count` speakers */
    if (count == 0)
      out->silence_time += t - prev;
    else if (count >= 2)
      out->overlap_time += t - prev;
    for (; i < ne && ev[i].time == t; i++)
      count += ev[i].is_start ? 1 : -1;
    if (count >= 2) {
      if (!in_overlap)
        out->overlaps++;
      in_overlap = 1;
    } else {
      in_overlap = 0;
    }
    prev = t;
  }
  out->silence_time += extent_end - prev;
}

static void
close_turn (AuraConversationStats * out, AuraConversationSpeaker * per,
    int speaker, double start, double end)
{
  double len = end - start;

  per[speaker].turns++;
  if (len > per[speaker].longest_monologue)
    per[speaker].longest_monologue = len;
  out->turns++;
  if (len > out->longest_monologue) {
    out->longest_monologue = len;
    out->longest_monologue_speaker = speaker;
  }
}

/* Floor and turns over the bridged stretches @g. @active: one entry per speaker;
 * @next, @prev: one per stretch, a list of the stretches being spoken in order
 * of their start (the order of the start events). */
static void
sweep_turns (const Span * g, const Event * ev, size_t ne, size_t *active,
    size_t *next, size_t *prev, int n_speakers, AuraConversationStats * out,
    AuraConversationSpeaker * per)
{
  size_t head = NONE, tail = NONE, i = 0;
  int holder = -1, k;
  double turn_start = 0.0, turn_end = 0.0;

  for (k = 0; k < n_speakers; k++)
    active[k] = NONE;
  while (i < ne) {
    double t = ev[i].time;

    for (; i < ne && ev[i].time == t; i++) {
      size_t x = ev[i].index;
      int sp = ev[i].speaker;

      if (ev[i].is_start) {
        prev[x] = tail;
        next[x] = NONE;
        if (tail != NONE)
          next[tail] = x;
        else
          head = x;
        tail = x;
        active[sp] = x;
        if (sp == holder)       /* back after a pause nobody took */
          turn_end = g[x].end;
      } else {
        if (prev[x] != NONE)
          next[prev[x]] = next[x];
        else
          head = next[x];
        if (next[x] != NONE)
          prev[next[x]] = prev[x];
        else
          tail = prev[x];
        active[sp] = NONE;
      }
    }
    /* the holder is silent and someone speaks: the earliest of them takes the
     * floor */
    if (head != NONE && (holder < 0 || active[holder] == NONE)) {
      if (holder >= 0)
        close_turn (out, per, holder, turn_start, turn_end);
      holder = g[head].speaker;
      turn_start = g[head].start;
      turn_end = g[head].end;
    }
  }
  if (holder >= 0)
    close_turn (out, per, holder, turn_start, turn_end);
}

static void
zero_stats (int n_speakers, AuraConversationStats * out,
    AuraConversationSpeaker * speakers)
{
  memset (out, 0, sizeof (AuraConversationStats));
  out->longest_monologue_speaker = -1;
  if (speakers != NULL && n_speakers > 0)
    memset (speakers, 0, n_speakers * sizeof (AuraConversationSpeaker));
}

int
aura_conversation_compute (const AuraConversation * c,
    AuraConversationStats * out, AuraConversationSpeaker * speakers)
{
  size_t n = c->n_spans, ns = c->n_speakers > 0 ? c->n_speakers : 1;
  size_t m = 0, i;
  double ext_start, ext_end;
  Span *s = NULL;
  Event *ev = NULL;
  size_t *active = NULL, *next = NULL, *prev = NULL;
  AuraConversationSpeaker *per = NULL;
  int k, ret = AURA_CONVERSATION_ERROR_NOMEM;

  zero_stats (c->n_speakers, out, speakers);
  if (c->has_extent) {
    ext_start = c->extent_start;
    ext_end = c->extent_end;
  } else if (n > 0) {
    ext_start = c->span_min;
    ext_end = c->span_max;
  } else {
    ext_start = ext_end = 0.0;
  }

  /* add_span() keeps 2 * n events within SIZE_MAX bytes */
  s = malloc ((n > 0 ? n : 1) * sizeof (Span));
  ev = malloc ((n > 0 ? 2 * n : 1) * sizeof (Event));
  next = malloc ((n > 0 ? n : 1) * sizeof (size_t));
  prev = malloc ((n > 0 ? n : 1) * sizeof (size_t));
  active = malloc (ns * sizeof (size_t));
  per = calloc (ns, sizeof (AuraConversationSpeaker));
  if (s == NULL || ev == NULL || next == NULL || prev == NULL || active == NULL
      || per == NULL)
    goto nomem;

  /* the speech inside the extent */
  for (i = 0; i < n; i++) {
    double a = c->spans[i].start, b = c->spans[i].end;

    if (a < ext_start)
      a = ext_start;
    if (b > ext_end)
      b = ext_end;
    if (b > a) {
      s[m].start = a;
      s[m].end = b;
      s[m].speaker = c->spans[i].speaker;
      m++;
    }
  }
  qsort (s, m, sizeof (Span), compare_spans);
  m = join_spans (s, m, 0.0);
  for (i = 0; i < m; i++)
    per[s[i].speaker].talk_time += s[i].end - s[i].start;

  make_events (s, m, ev);
  sweep_overlaps (ev, 2 * m, ext_start, ext_end, out);

  /* bridged stretches: turns and the floor */
  m = join_spans (s, m, c->min_gap);
  make_events (s, m, ev);
  sweep_turns (s, ev, 2 * m, active, next, prev, c->n_speakers, out, per);

  out->extent_start = ext_start;
  out->extent_end = ext_end;
  out->extent = ext_end - ext_start;
  for (k = 0; k < c->n_speakers; k++)
    out->talk_time += per[k].talk_time;
  for (k = 0; k < c->n_speakers; k++)
    per[k].talk_share = out->talk_time > 0.0 ?
        per[k].talk_time / out->talk_time : 0.0;
  if (out->extent > 0.0) {
    out->overlap_share = out->overlap_time / out->extent;
    out->silence_share = out->silence_time / out->extent;
  }
  if (speakers != NULL && c->n_speakers > 0)
    memcpy (speakers, per, c->n_speakers * sizeof (AuraConversationSpeaker));
  ret = AURA_CONVERSATION_OK;
  goto done;

  /* ERRORS */
nomem:
  zero_stats (c->n_speakers, out, speakers);
done:
  free (s);
  free (ev);
  free (next);
  free (prev);
  free (active);
  free (per);
  return ret;
}
