/* AURA — tests of dsp/aura-prosody: pitch statistics, syllable nuclei and
 * filled pauses on synthetic signals whose answers are known. The VAD drives the
 * prosody module as the analysis engine does. */
#include <gst/check/gstcheck.h>
#include <math.h>
#include <stdlib.h>

#include "aura-prosody.h"
#include "aura-vad.h"
#include "dsp-signals.h"

#define RATE 16000

typedef struct
{
  AuraVad *vad;
  AuraProsody *prosody;
} Chain;

static Chain
chain_new (void)
{
  Chain c;

  c.vad = aura_vad_new (RATE, 0.25);
  c.prosody = aura_prosody_new (RATE, 60.0, 500.0, 10.0);
  aura_vad_set_frame_func (c.vad, aura_prosody_frame, c.prosody);
  return c;
}

static void
chain_run (Chain * c, const float *x, size_t n)
{
  size_t done = 0;

  while (done < n) {
    size_t take = MIN (n - done, 1000);
    aura_prosody_push (c->prosody, x + done, take);
    aura_vad_process (c->vad, x + done, take);
    done += take;
  }
  aura_vad_finish (c->vad);
  aura_prosody_finish (c->prosody);
}

static void
chain_free (Chain * c)
{
  aura_vad_free (c->vad);
  aura_prosody_free (c->prosody);
}

/* A harmonic tone at @f0 (1/k harmonics below 3.5 kHz), amplitude envelope @env
 * (NULL: constant), from sample @t0. */
static void
tone (float *x, size_t n, double f0, double amp, double syllables_per_s)
{
  size_t i;
  double phase = 0.0;

  for (i = 0; i < n; i++) {
    double t = (double) i / RATE, v = 0.0, env = 1.0;
    int k;
    if (syllables_per_s > 0)
      env = 0.55 - 0.45 * cos (2.0 * M_PI * syllables_per_s * t);
    phase += 2.0 * M_PI * f0 / RATE;
    for (k = 1; k * f0 < 3500.0 && k <= 30; k++)
      v += sin (k * phase) / k;
    x[i] = (float) (amp * env * v / 1.8);
  }
}

GST_START_TEST (test_syllables_counted)
{
  /* 0.5 s silence, 4 s of "syllables" at 4 per second, 0.5 s silence: 16 */
  size_t n = (size_t) (5.0 * RATE);
  float *x = calloc (n, sizeof (float));
  Chain c = chain_new ();
  AuraProsodySession ses;
  AuraProsodyInterval iv;

  tone (x + RATE / 2, 4 * RATE, 140.0, 0.3, 4.0);
  chain_run (&c, x, n);
  aura_prosody_get_session (c.prosody, &ses);
  fail_unless (ses.syllables >= 15 && ses.syllables <= 17,
      "%" G_GUINT64_FORMAT " syllables", ses.syllables);
  aura_prosody_take_interval (c.prosody, &iv);
  fail_unless (iv.has_pace);
  /* 16 syllables over about 4 s of speech */
  fail_unless (fabs (iv.syllable_rate - 4.0) < 0.6, "rate %f",
      iv.syllable_rate);
  chain_free (&c);
  free (x);
}

GST_END_TEST;

GST_START_TEST (test_pitch_statistics)
{
  /* 2 s at 120 Hz then 2 s at 160 Hz (4.98 semitones apart), syllabic (a
   * steady tone would become the noise floor after 2 s) */
  size_t n = (size_t) (4.5 * RATE);
  float *x = calloc (n, sizeof (float));
  Chain c = chain_new ();
  AuraProsodySession ses;
  double st = 12.0 * log2 (160.0 / 120.0);

  tone (x + RATE / 4, 2 * RATE, 120.0, 0.3, 4.0);
  tone (x + RATE / 4 + 2 * RATE, 2 * RATE, 160.0, 0.3, 4.0);
  chain_run (&c, x, n);
  aura_prosody_get_session (c.prosody, &ses);
  fail_unless (ses.has_pitch && ses.has_variability);
  fail_unless (fabs (ses.pitch_p10_hz - 120.0) < 2.0, "p10 %f",
      ses.pitch_p10_hz);
  fail_unless (fabs (ses.pitch_p90_hz - 160.0) < 2.5, "p90 %f",
      ses.pitch_p90_hz);
  /* half the frames at each: standard deviation = half the distance */
  fail_unless (fabs (ses.variability_st - st / 2.0) < 0.3, "var %f",
      ses.variability_st);
  fail_unless ((double) ses.voiced_frames / ses.speech_frames > 0.7, "%f",
      (double) ses.voiced_frames / ses.speech_frames);
  chain_free (&c);
  free (x);
}

GST_END_TEST;

GST_START_TEST (test_monotone_has_no_variability)
{
  size_t n = (size_t) (3.0 * RATE);
  float *x = calloc (n, sizeof (float));
  Chain c = chain_new ();
  AuraProsodyInterval iv;

  tone (x + RATE / 4, (size_t) (2.5 * RATE), 200.0, 0.3, 4.0);
  chain_run (&c, x, n);
  aura_prosody_take_interval (c.prosody, &iv);
  fail_unless (iv.has_pitch && iv.has_variability);
  fail_unless (iv.variability_st < 0.2, "var %f", iv.variability_st);
  fail_unless (fabs (iv.pitch_median_hz - 200.0) < 3.0, "median %f",
      iv.pitch_median_hz);
  chain_free (&c);
  free (x);
}

GST_END_TEST;

GST_START_TEST (test_held_vowel_is_a_filler)
{
  /* syllables, a 0.8 s steady vowel at 110 Hz, syllables again */
  size_t n = (size_t) (5.0 * RATE);
  float *x = calloc (n, sizeof (float));
  Chain c = chain_new ();
  AuraSpan f[4];
  size_t got;

  tone (x + RATE / 4, 2 * RATE, 140.0, 0.3, 4.0);
  tone (x + (size_t) (2.5 * RATE), (size_t) (0.8 * RATE), 110.0, 0.2, 0.0);
  tone (x + (size_t) (3.5 * RATE), RATE, 140.0, 0.3, 4.0);
  chain_run (&c, x, n);
  got = aura_prosody_take_fillers (c.prosody, f, 4);
  fail_unless_equals_int (got, 1);
  fail_unless (fabs (f[0].start - 2.5) < 0.08, "start %f", f[0].start);
  fail_unless (fabs (f[0].end - 3.3) < 0.08, "end %f", f[0].end);
  chain_free (&c);
  free (x);
}

GST_END_TEST;

GST_START_TEST (test_syllabic_speech_has_no_filler)
{
  size_t n = (size_t) (6.0 * RATE);
  float *x = calloc (n, sizeof (float));
  Chain c = chain_new ();
  AuraProsodySession ses;

  tone (x + RATE / 4, 5 * RATE, 130.0, 0.3, 4.0);
  chain_run (&c, x, n);
  aura_prosody_get_session (c.prosody, &ses);
  fail_unless_equals_int (ses.fillers, 0);
  chain_free (&c);
  free (x);
}

GST_END_TEST;

GST_START_TEST (test_words_per_syllable)
{
  fail_unless (aura_syllables_per_word ("en") > 1.0);
  fail_unless (aura_syllables_per_word ("fr") > 1.0);
  fail_unless (aura_syllables_per_word ("fr_FR") > 1.0);
  fail_unless (aura_syllables_per_word ("xx") == 0.0);
  fail_unless (aura_syllables_per_word (NULL) == 0.0);
  fail_unless (aura_prosody_new (RATE, 60.0, 500.0, 1.0) == NULL);
  fail_unless (aura_prosody_new (RATE, 60.0, 500.0, 61.0) == NULL);
}

GST_END_TEST;

static Suite *
prosody_suite (void)
{
  Suite *s = suite_create ("aura-prosody");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_syllables_counted);
  tcase_add_test (tc, test_pitch_statistics);
  tcase_add_test (tc, test_monotone_has_no_variability);
  tcase_add_test (tc, test_held_vowel_is_a_filler);
  tcase_add_test (tc, test_syllabic_speech_has_no_filler);
  tcase_add_test (tc, test_words_per_syllable);
  return s;
}

GST_CHECK_MAIN (prosody);
