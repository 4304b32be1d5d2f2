/* AURA — tests of dsp/aura-conversation: talk shares, turns, overlaps and silence
 * on speech spans whose layout is known. Times are binary fractions where the
 * arithmetic would otherwise round, so every expected value is exact to 1e-9. */
#include <gst/check/gstcheck.h>
#include <math.h>
#include <string.h>

#include "aura-conversation.h"

#define EPS 1e-9
#define A 0
#define B 1
#define C 2

#define assert_near(got, want) \
  fail_unless (fabs ((got) - (want)) < EPS, "%s = %.12g, expected %.12g", \
      #got, (double) (got), (double) (want))

static void
add (AuraConversation * c, int speaker, double start, double end)
{
  fail_unless_equals_int (aura_conversation_add_span (c, speaker, start, end),
      AURA_CONVERSATION_OK);
}

/* Computes into @st and @sp, filled with garbage first so that every field
 * must be written. */
static void
compute (AuraConversation * c, AuraConversationStats * st,
    AuraConversationSpeaker * sp)
{
  memset (st, 0x7f, sizeof (*st));
  if (sp != NULL)
    memset (sp, 0x7f,
        aura_conversation_n_speakers (c) * sizeof (AuraConversationSpeaker));
  fail_unless_equals_int (aura_conversation_compute (c, st, sp),
      AURA_CONVERSATION_OK);
}

static void
assert_speaker (const AuraConversationSpeaker * sp, double talk_time,
    double talk_share, unsigned turns, double longest)
{
  assert_near (sp->talk_time, talk_time);
  assert_near (sp->talk_share, talk_share);
  fail_unless_equals_int (sp->turns, turns);
  assert_near (sp->longest_monologue, longest);
}

static void
assert_all_zero (const AuraConversationStats * st, double extent)
{
  assert_near (st->extent, extent);
  assert_near (st->talk_time, 0.0);
  fail_unless_equals_int (st->turns, 0);
  fail_unless_equals_int (st->overlaps, 0);
  assert_near (st->overlap_time, 0.0);
  assert_near (st->overlap_share, 0.0);
  assert_near (st->silence_time, extent);
  assert_near (st->silence_share, extent > 0.0 ? 1.0 : 0.0);
  assert_near (st->longest_monologue, 0.0);
  fail_unless_equals_int (st->longest_monologue_speaker, -1);
}

GST_START_TEST (test_alternating)
{
  AuraConversation *c = aura_conversation_new (2, 0.5);
  AuraConversationStats st;
  AuraConversationSpeaker sp[2];

  /* A 0-10, B 10-20, A 20-25: handovers at the same instant */
  add (c, A, 0, 10);
  add (c, B, 10, 20);
  add (c, A, 20, 25);
  compute (c, &st, sp);
  assert_near (st.extent_start, 0.0);
  assert_near (st.extent_end, 25.0);
  assert_near (st.extent, 25.0);
  assert_near (st.talk_time, 25.0);
  assert_speaker (&sp[A], 15.0, 15.0 / 25.0, 2, 10.0);
  assert_speaker (&sp[B], 10.0, 10.0 / 25.0, 1, 10.0);
  fail_unless_equals_int (st.turns, 3);
  /* touching spans of two speakers do not overlap */
  fail_unless_equals_int (st.overlaps, 0);
  assert_near (st.overlap_time, 0.0);
  assert_near (st.overlap_share, 0.0);
  assert_near (st.silence_time, 0.0);
  assert_near (st.silence_share, 0.0);
  /* A's 0-10 and B's 10-20 tie: the earlier turn */
  assert_near (st.longest_monologue, 10.0);
  fail_unless_equals_int (st.longest_monologue_speaker, A);

  /* more spans after a compute: A 25-30 touches A 20-25, one turn 20-30 */
  add (c, A, 25, 30);
  compute (c, &st, sp);
  assert_speaker (&sp[A], 20.0, 20.0 / 30.0, 2, 10.0);
  fail_unless_equals_int (st.turns, 3);
  assert_near (st.extent, 30.0);
  fail_unless_equals_int (st.longest_monologue_speaker, A);
  add (c, A, 30, 30.5);
  compute (c, &st, sp);
  assert_near (st.longest_monologue, 10.5);
  fail_unless_equals_int (st.longest_monologue_speaker, A);
  aura_conversation_free (c);
}

GST_END_TEST;

GST_START_TEST (test_backchannel)
{
  AuraConversation *c = aura_conversation_new (2, 0.5);
  AuraConversationStats st;
  AuraConversationSpeaker sp[2];

  add (c, A, 0, 10);
  add (c, B, 3, 3.5);
  compute (c, &st, sp);
  fail_unless_equals_int (st.turns, 1);
  assert_speaker (&sp[A], 10.0, 10.0 / 10.5, 1, 10.0);
  assert_speaker (&sp[B], 0.5, 0.5 / 10.5, 0, 0.0);
  fail_unless_equals_int (st.overlaps, 1);
  assert_near (st.overlap_time, 0.5);
  assert_near (st.overlap_share, 0.05);
  assert_near (st.silence_time, 0.0);
  assert_near (st.extent, 10.0);
  assert_near (st.talk_time, 10.5);
  assert_near (st.longest_monologue, 10.0);
  fail_unless_equals_int (st.longest_monologue_speaker, A);

  /* two separate backchannels (B's gap of 2 s is not bridged): two episodes */
  add (c, B, 5.5, 6.5);
  compute (c, &st, sp);
  fail_unless_equals_int (st.turns, 1);
  fail_unless_equals_int (st.overlaps, 2);
  assert_near (st.overlap_time, 1.5);
  fail_unless_equals_int (sp[B].turns, 0);
  aura_conversation_free (c);
}

GST_END_TEST;

GST_START_TEST (test_overlap_episodes)
{
  AuraConversation *c = aura_conversation_new (3, 0.5);
  AuraConversationStats st;
  AuraConversationSpeaker sp[3];

  /* B hands the overlap to C at 5 without a break: one episode 2-7 */
  add (c, A, 0, 10);
  add (c, B, 2, 5);
  add (c, C, 5, 7);
  compute (c, &st, sp);
  fail_unless_equals_int (st.overlaps, 1);
  assert_near (st.overlap_time, 5.0);
  assert_near (st.overlap_share, 0.5);
  fail_unless_equals_int (st.turns, 1);
  fail_unless_equals_int (sp[B].turns, 0);
  fail_unless_equals_int (sp[C].turns, 0);
  aura_conversation_free (c);
}

GST_END_TEST;

GST_START_TEST (test_takeover_after_overlap)
{
  AuraConversation *c = aura_conversation_new (3, 0.5);
  AuraConversationStats st;
  AuraConversationSpeaker sp[3];

  /* when A stops at 10, B (since 8) and C (since 9) speak: B started first and
   * takes the floor; C stops inside B's turn */
  add (c, A, 0, 10);
  add (c, B, 8, 15);
  add (c, C, 9, 11);
  compute (c, &st, sp);
  fail_unless_equals_int (st.turns, 2);
  assert_speaker (&sp[A], 10.0, 10.0 / 19.0, 1, 10.0);
  /* B's monologue runs from the start of the stretch that won the floor */
  assert_speaker (&sp[B], 7.0, 7.0 / 19.0, 1, 7.0);
  assert_speaker (&sp[C], 2.0, 2.0 / 19.0, 0, 0.0);
  /* two or more speakers from 8 to 11 (three from 9 to 10): one episode */
  fail_unless_equals_int (st.overlaps, 1);
  assert_near (st.overlap_time, 3.0);
  assert_near (st.overlap_share, 0.2);
  assert_near (st.silence_time, 0.0);
  assert_near (st.longest_monologue, 10.0);
  fail_unless_equals_int (st.longest_monologue_speaker, A);
  aura_conversation_free (c);
}

GST_END_TEST;

GST_START_TEST (test_ties)
{
  AuraConversation *c = aura_conversation_new (2, 1.0);
  AuraConversationStats st;
  AuraConversationSpeaker sp[2];

  /* equal starts: the lower index takes the floor, B takes it when A stops */
  add (c, B, 0, 5);
  add (c, A, 0, 2);
  compute (c, &st, sp);
  fail_unless_equals_int (st.turns, 2);
  assert_speaker (&sp[A], 2.0, 2.0 / 7.0, 1, 2.0);
  assert_speaker (&sp[B], 5.0, 5.0 / 7.0, 1, 5.0);
  assert_near (st.longest_monologue, 5.0);
  fail_unless_equals_int (st.longest_monologue_speaker, B);
  fail_unless_equals_int (st.overlaps, 1);
  assert_near (st.overlap_time, 2.0);
  aura_conversation_free (c);

  /* the holder resumes (after a 2 s pause, not bridged) at the instant B
   * starts: A keeps the floor */
  c = aura_conversation_new (2, 1.0);
  add (c, A, 0, 4);
  add (c, A, 6, 10);
  add (c, B, 6, 8);
  compute (c, &st, sp);
  fail_unless_equals_int (st.turns, 1);
  assert_speaker (&sp[A], 8.0, 0.8, 1, 10.0);
  assert_speaker (&sp[B], 2.0, 0.2, 0, 0.0);
  assert_near (st.silence_time, 2.0);
  assert_near (st.silence_share, 0.2);
  fail_unless_equals_int (st.overlaps, 1);
  assert_near (st.overlap_time, 2.0);
  aura_conversation_free (c);
}

GST_END_TEST;

GST_START_TEST (test_three_speakers_silence)
{
  AuraConversation *c = aura_conversation_new (3, 0.5);
  AuraConversationStats st;
  AuraConversationSpeaker sp[3];

  /* silences 4-5, 7.5-9 and 10-10.25: 2.75 s */
  add (c, A, 1, 4);
  add (c, B, 5, 7.5);
  add (c, C, 9, 10);
  add (c, A, 10.25, 12);
  compute (c, &st, sp);
  assert_near (st.extent_start, 1.0);
  assert_near (st.extent_end, 12.0);
  assert_near (st.extent, 11.0);
  assert_near (st.silence_time, 2.75);
  assert_near (st.silence_share, 0.25);
  assert_near (st.talk_time, 8.25);
  assert_speaker (&sp[A], 4.75, 4.75 / 8.25, 2, 3.0);
  assert_speaker (&sp[B], 2.5, 2.5 / 8.25, 1, 2.5);
  assert_speaker (&sp[C], 1.0, 1.0 / 8.25, 1, 1.0);
  /* min_gap bridges one speaker's gaps only: C to A is a turn change */
  fail_unless_equals_int (st.turns, 4);
  fail_unless_equals_int (st.overlaps, 0);
  assert_near (st.longest_monologue, 3.0);
  fail_unless_equals_int (st.longest_monologue_speaker, A);

  /* a wider session: leading 1 s and trailing 3 s of silence */
  fail_unless_equals_int (aura_conversation_set_extent (c, 0, 15),
      AURA_CONVERSATION_OK);
  compute (c, &st, sp);
  assert_near (st.extent, 15.0);
  assert_near (st.silence_time, 6.75);
  assert_near (st.silence_share, 0.45);
  assert_near (st.talk_time, 8.25);
  fail_unless_equals_int (st.turns, 4);

  /* a narrower one: speech outside it is clipped */
  fail_unless_equals_int (aura_conversation_set_extent (c, 2, 11),
      AURA_CONVERSATION_OK);
  compute (c, &st, sp);
  assert_near (st.extent_start, 2.0);
  assert_near (st.extent, 9.0);
  assert_near (st.talk_time, 6.25);
  assert_near (st.silence_time, 2.75);
  assert_near (st.silence_share, 2.75 / 9.0);
  assert_speaker (&sp[A], 2.75, 2.75 / 6.25, 2, 2.0);
  assert_near (st.longest_monologue, 2.5);
  fail_unless_equals_int (st.longest_monologue_speaker, B);
  aura_conversation_free (c);
}

GST_END_TEST;

/* A 0-10, B 10.25-10.5 (in A's pause of 0.75 s), A 10.75-20. */
static void
check_pause (double min_gap, unsigned turns, double a_longest)
{
  AuraConversation *c = aura_conversation_new (2, min_gap);
  AuraConversationStats st;
  AuraConversationSpeaker sp[2];

  add (c, A, 0, 10);
  add (c, B, 10.25, 10.5);
  add (c, A, 10.75, 20);
  compute (c, &st, sp);
  fail_unless_equals_int (st.turns, turns);
  fail_unless_equals_int (sp[A].turns, turns == 1 ? 1 : 2);
  fail_unless_equals_int (sp[B].turns, turns == 1 ? 0 : 1);
  assert_near (sp[A].longest_monologue, a_longest);
  assert_near (st.longest_monologue, a_longest);
  fail_unless_equals_int (st.longest_monologue_speaker, A);
  /* min_gap changes the turns, never the measured speech */
  assert_near (sp[A].talk_time, 19.25);
  assert_near (sp[B].talk_time, 0.25);
  fail_unless_equals_int (st.overlaps, 0);
  assert_near (st.overlap_time, 0.0);
  assert_near (st.silence_time, 0.5);
  assert_near (st.silence_share, 0.025);
  aura_conversation_free (c);
}

GST_START_TEST (test_pause_bridging)
{
  /* bridged: B's word lies inside A's turn */
  check_pause (1.0, 1, 20.0);
  /* not bridged: B takes the floor in A's pause */
  check_pause (0.5, 3, 10.0);
  /* a gap equal to min_gap is not bridged */
  check_pause (0.75, 3, 10.0);
  check_pause (0.0, 3, 10.0);
}

GST_END_TEST;

GST_START_TEST (test_pause_inside_turn)
{
  AuraConversation *c = aura_conversation_new (2, 0.5);
  AuraConversationStats st;
  AuraConversationSpeaker sp[2];

  /* A pauses 3 s (longer than min_gap) and nobody else speaks: one turn 0-12 */
  add (c, A, 0, 5);
  add (c, A, 8, 12);
  add (c, B, 20, 22);
  compute (c, &st, sp);
  fail_unless_equals_int (st.turns, 2);
  assert_speaker (&sp[A], 9.0, 9.0 / 11.0, 1, 12.0);
  assert_speaker (&sp[B], 2.0, 2.0 / 11.0, 1, 2.0);
  assert_near (st.silence_time, 11.0);
  assert_near (st.silence_share, 0.5);
  assert_near (st.longest_monologue, 12.0);
  fail_unless_equals_int (st.longest_monologue_speaker, A);
  aura_conversation_free (c);
}

GST_END_TEST;

/* A 0-6 (in three overlapping or touching pieces), B 6-8, A 8-12, B 12-15. */
static void
check_fragmented (const AuraConversationStats * st,
    const AuraConversationSpeaker * sp)
{
  fail_unless_equals_int (st->turns, 4);
  assert_speaker (&sp[A], 10.0, 10.0 / 15.0, 2, 6.0);
  assert_speaker (&sp[B], 5.0, 5.0 / 15.0, 2, 3.0);
  assert_near (st->extent, 15.0);
  assert_near (st->talk_time, 15.0);
  fail_unless_equals_int (st->overlaps, 0);
  assert_near (st->overlap_time, 0.0);
  assert_near (st->silence_time, 0.0);
  assert_near (st->longest_monologue, 6.0);
  fail_unless_equals_int (st->longest_monologue_speaker, A);
}

GST_START_TEST (test_out_of_order)
{
  AuraConversation *c = aura_conversation_new (2, 0.5);
  AuraConversation *d = aura_conversation_new (2, 0.5);
  AuraConversationStats st;
  AuraConversationSpeaker sp[2];

  add (c, A, 0, 3);
  add (c, A, 2.5, 4);
  add (c, A, 4, 6);
  add (c, B, 6, 8);
  add (c, A, 8, 12);
  add (c, B, 12, 15);
  compute (c, &st, sp);
  check_fragmented (&st, sp);

  /* the same spans as two analysers might post them, plus a duplicate and a
   * span inside another */
  add (d, B, 12, 15);
  add (d, A, 8, 12);
  add (d, A, 4, 6);
  add (d, B, 6, 8);
  add (d, A, 1, 2);
  add (d, A, 0, 3);
  add (d, A, 2.5, 4);
  add (d, B, 12, 15);
  compute (d, &st, sp);
  check_fragmented (&st, sp);
  aura_conversation_free (c);
  aura_conversation_free (d);
}

GST_END_TEST;

GST_START_TEST (test_invalid_input)
{
  AuraConversation *c;
  AuraConversationStats st;
  AuraConversationSpeaker sp[2];

  fail_unless (aura_conversation_new (-1, 0.5) == NULL);
  fail_unless (aura_conversation_new (2, -0.1) == NULL);
  fail_unless (aura_conversation_new (2, NAN) == NULL);
  fail_unless (aura_conversation_new (2, INFINITY) == NULL);

  c = aura_conversation_new (2, 0.5);
  fail_unless (c != NULL);
  fail_unless_equals_int (aura_conversation_n_speakers (c), 2);
  fail_unless_equals_int (aura_conversation_add_span (c, -1, 0, 1),
      AURA_CONVERSATION_ERROR_INVALID);
  fail_unless_equals_int (aura_conversation_add_span (c, 2, 0, 1),
      AURA_CONVERSATION_ERROR_INVALID);
  fail_unless_equals_int (aura_conversation_add_span (c, A, NAN, 1),
      AURA_CONVERSATION_ERROR_INVALID);
  fail_unless_equals_int (aura_conversation_add_span (c, A, 0, NAN),
      AURA_CONVERSATION_ERROR_INVALID);
  fail_unless_equals_int (aura_conversation_add_span (c, A, 0, INFINITY),
      AURA_CONVERSATION_ERROR_INVALID);
  fail_unless_equals_int (aura_conversation_add_span (c, A, -INFINITY, 0),
      AURA_CONVERSATION_ERROR_INVALID);
  fail_unless_equals_int (aura_conversation_add_span (c, A, 5, 4),
      AURA_CONVERSATION_ERROR_INVALID);
  /* a zero-length span is valid and holds no speech */
  add (c, A, 7, 7);
  /* nothing was stored */
  compute (c, &st, sp);
  assert_all_zero (&st, 0.0);
  assert_speaker (&sp[A], 0.0, 0.0, 0, 0.0);
  assert_speaker (&sp[B], 0.0, 0.0, 0, 0.0);

  fail_unless_equals_int (aura_conversation_set_extent (c, 0, 10),
      AURA_CONVERSATION_OK);
  fail_unless_equals_int (aura_conversation_set_extent (c, 5, 4),
      AURA_CONVERSATION_ERROR_INVALID);
  fail_unless_equals_int (aura_conversation_set_extent (c, NAN, 4),
      AURA_CONVERSATION_ERROR_INVALID);
  fail_unless_equals_int (aura_conversation_set_extent (c, 0, INFINITY),
      AURA_CONVERSATION_ERROR_INVALID);
  /* the valid extent stays */
  compute (c, &st, sp);
  assert_near (st.extent, 10.0);
  aura_conversation_free (c);
}

GST_END_TEST;

GST_START_TEST (test_empty)
{
  AuraConversation *c;
  AuraConversationStats st;
  AuraConversationSpeaker sp[3];

  /* no speakers */
  c = aura_conversation_new (0, 0.0);
  fail_unless (c != NULL);
  fail_unless_equals_int (aura_conversation_add_span (c, 0, 0, 1),
      AURA_CONVERSATION_ERROR_INVALID);
  compute (c, &st, NULL);
  assert_all_zero (&st, 0.0);
  assert_near (st.extent_start, 0.0);
  assert_near (st.extent_end, 0.0);
  aura_conversation_free (c);

  /* speakers without spans: zeros, shares 0 rather than 0/0 */
  c = aura_conversation_new (3, 0.5);
  compute (c, &st, sp);
  assert_all_zero (&st, 0.0);
  assert_speaker (&sp[A], 0.0, 0.0, 0, 0.0);
  assert_speaker (&sp[B], 0.0, 0.0, 0, 0.0);
  assert_speaker (&sp[C], 0.0, 0.0, 0, 0.0);
  /* a session nobody spoke in is all silence */
  fail_unless_equals_int (aura_conversation_set_extent (c, 5, 15),
      AURA_CONVERSATION_OK);
  compute (c, &st, sp);
  assert_all_zero (&st, 10.0);
  assert_speaker (&sp[B], 0.0, 0.0, 0, 0.0);
  /* speech entirely outside the extent does not count */
  add (c, B, 20, 30);
  compute (c, &st, sp);
  assert_all_zero (&st, 10.0);
  assert_speaker (&sp[B], 0.0, 0.0, 0, 0.0);
  /* an empty extent: shares are 0, not 0/0 */
  fail_unless_equals_int (aura_conversation_set_extent (c, 3, 3),
      AURA_CONVERSATION_OK);
  compute (c, &st, sp);
  assert_all_zero (&st, 0.0);
  aura_conversation_free (c);
}

GST_END_TEST;

GST_START_TEST (test_many_spans)
{
  /* 200000 alternating one-second spans added newest first: a sweep finishes
   * at once, anything quadratic times out */
  const unsigned n = 100000;
  AuraConversation *c = aura_conversation_new (2, 0.5);
  AuraConversationStats st;
  AuraConversationSpeaker sp[2];
  unsigned i;

  for (i = n; i-- > 0;) {
    add (c, B, 2.0 * i + 1, 2.0 * i + 2);
    add (c, A, 2.0 * i, 2.0 * i + 1);
  }
  compute (c, &st, sp);
  fail_unless_equals_int (st.turns, 2 * n);
  assert_speaker (&sp[A], n, 0.5, n, 1.0);
  assert_speaker (&sp[B], n, 0.5, n, 1.0);
  assert_near (st.extent, 2.0 * n);
  assert_near (st.silence_time, 0.0);
  fail_unless_equals_int (st.overlaps, 0);
  assert_near (st.longest_monologue, 1.0);
  fail_unless_equals_int (st.longest_monologue_speaker, A);
  aura_conversation_free (c);
}

GST_END_TEST;

static Suite *
conversation_suite (void)
{
  Suite *s = suite_create ("aura-conversation");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_alternating);
  tcase_add_test (tc, test_backchannel);
  tcase_add_test (tc, test_overlap_episodes);
  tcase_add_test (tc, test_takeover_after_overlap);
  tcase_add_test (tc, test_ties);
  tcase_add_test (tc, test_three_speakers_silence);
  tcase_add_test (tc, test_pause_bridging);
  tcase_add_test (tc, test_pause_inside_turn);
  tcase_add_test (tc, test_out_of_order);
  tcase_add_test (tc, test_invalid_input);
  tcase_add_test (tc, test_empty);
  tcase_add_test (tc, test_many_spans);
  return s;
}

GST_CHECK_MAIN (conversation);
