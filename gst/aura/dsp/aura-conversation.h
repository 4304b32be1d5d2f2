/* AURA — conversation metrics for a session with several speakers (webinar,
 * panel, meeting): who talked how much, turns, overlaps, silence.
 *
 * Plain C, no GStreamer or GLib types. The input is each speaker's speech spans
 * (for instance the speech segments of one auraanalyzer per participant), in
 * seconds on one clock shared by all speakers. Spans may arrive in any order,
 * within one speaker and across speakers; the work is done by
 * aura_conversation_compute(): sort and sweep, O(n log n) in the number of spans,
 * memory proportional to the spans. Not thread-safe: callers that add spans from
 * several threads hold their own lock.
 *
 * Definitions (docs/conversation.md has them with examples):
 *
 * - A span is the half-open interval [start, end). A speaker's spans that overlap
 *   or touch are merged; a speaker's *speech* is the union of their spans. Spans
 *   of different speakers that only touch do not overlap.
 * - The *extent* is the session: aura_conversation_set_extent(), or by default
 *   from the earliest span start to the latest span end. Spans are clipped to
 *   it; everything below is measured inside it.
 * - *Talk time*: the length of a speaker's speech. *Talk share*: talk time over
 *   the sum of every speaker's talk time (0 when nobody spoke).
 * - *Overlap*: time when two or more speakers speak; an *overlap episode* is a
 *   maximal stretch of it. *Silence*: time of the extent when nobody speaks.
 *   Both use the speech as given: min_gap does not change them.
 * - *Floor and turns*. A gap between two of one speaker's spans that is shorter
 *   than min_gap (strictly) is bridged: the speaker is taken to go on speaking
 *   through it. On these bridged stretches one speaker holds the floor. The
 *   holder keeps it while speaking and through pauses in which nobody else speaks.
 *   When the holder is silent and someone else speaks (starts after the holder
 *   stopped, or goes on after an overlap once the holder stops), the floor passes
 *   to them. A *turn* is the time one speaker holds the floor; speech of another
 *   speaker that lies entirely inside the holder's stretch (a backchannel, an
 *   interruption that gives up) is no turn. Consecutive turns belong to different
 *   speakers, so turn changes = turns - 1.
 * - A turn's *monologue* runs from the start of the stretch that won the floor to
 *   the end of the speaker's last stretch before the floor passed, pauses inside
 *   included; it can begin before the previous turn ends (a take-over after an
 *   overlap).
 * - Ties: a same-speaker gap equal to min_gap is not bridged. A holder who resumes
 *   at the instant another speaker starts keeps the floor. When the floor is free
 *   (at the first speech, or when the holder stops while others speak), the
 *   speaker whose current stretch started first takes it; the lower speaker index
 *   on equal starts. The longest monologue is the earliest of equally long ones.
 */
#ifndef AURA_CONVERSATION_H
#define AURA_CONVERSATION_H

#include <stddef.h>

typedef struct AuraConversation AuraConversation;

typedef enum
{
  AURA_CONVERSATION_OK = 0,
  AURA_CONVERSATION_ERROR_INVALID,      /* speaker out of range, a time that is
                                         * NaN or infinite, end before start */
  AURA_CONVERSATION_ERROR_NOMEM,
} AuraConversationError;

/* One speaker, over the extent. */
typedef struct
{
  double talk_time;             /* s: length of the speaker's speech */
  double talk_share;            /* 0-1: talk_time / sum of every speaker's
                                 * talk_time; 0 when nobody spoke */
  unsigned turns;               /* turns the speaker took */
  double longest_monologue;     /* s: the speaker's longest turn; 0 if none */
} AuraConversationSpeaker;

/* The whole session. */
typedef struct
{
  double extent_start, extent_end;      /* s, on the spans' clock; 0, 0 without
                                         * a span and without a set extent */
  double extent;                /* s: extent_end - extent_start */
  double talk_time;             /* s: sum of the speakers' talk_time */
  unsigned turns;               /* all turns */
  unsigned overlaps;            /* overlap episodes */
  double overlap_time;          /* s: two or more speakers speak */
  double overlap_share;         /* 0-1: overlap_time / extent; 0 if extent is 0 */
  double silence_time;          /* s: nobody speaks */
  double silence_share;         /* 0-1: silence_time / extent; 0 if extent is 0 */
  double longest_monologue;     /* s: the longest turn; 0 if none */
  int longest_monologue_speaker;        /* its speaker; -1 if no turn */
} AuraConversationStats;

/* @n_speakers: speakers 0 .. n_speakers - 1 (0 is allowed: every span is then
 * rejected and the statistics are zeros). @min_gap: seconds, >= 0 and finite.
 * NULL if an argument is invalid or memory is short. */
AuraConversation *aura_conversation_new (int n_speakers, double min_gap);
void aura_conversation_free (AuraConversation * c);

int aura_conversation_n_speakers (const AuraConversation * c);

/* Adds the speech span [@start, @end) of @speaker, in seconds. A span with
 * @end == @start holds no speech and is ignored (AURA_CONVERSATION_OK). Returns
 * AURA_CONVERSATION_ERROR_INVALID for a speaker out of range, a NaN or infinite
 * time, or @end < @start, and AURA_CONVERSATION_ERROR_NOMEM; nothing is stored
 * on error. */
int aura_conversation_add_span (AuraConversation * c, int speaker, double start,
    double end);

/* Sets the session extent [@start, @end) in seconds (finite, @end >= @start);
 * spans are clipped to it. Without it, the extent runs from the earliest span
 * start to the latest span end. Returns AURA_CONVERSATION_ERROR_INVALID (and
 * keeps the previous extent) for a NaN or infinite time or @end < @start. */
int aura_conversation_set_extent (AuraConversation * c, double start,
    double end);

/* Computes the statistics of the spans added so far; can be called at any time
 * and again after more spans. @speakers: NULL, or an array of
 * aura_conversation_n_speakers() entries, filled per speaker. Returns
 * AURA_CONVERSATION_OK, or AURA_CONVERSATION_ERROR_NOMEM with @out and
 * @speakers zeroed (longest_monologue_speaker -1). */
int aura_conversation_compute (const AuraConversation * c,
    AuraConversationStats * out, AuraConversationSpeaker * speakers);

#endif /* AURA_CONVERSATION_H */
