/* AURA — tests of dsp/aura-vad: voice activity and pauses on synthetic speech
 * whose layout is known. */
#include <gst/check/gstcheck.h>
#include <math.h>
#include <stdlib.h>

#include "aura-vad.h"
#include "dsp-signals.h"

#define RATE 16000

/* Voiced segments and silences, in seconds: silence, voice, silence, voice ... */
static const double layout[] = { 0.5, 1.5, 0.8, 1.2, 0.3, 1.0, 0.15, 1.0, 1.0 };

/* Builds the layout at peak 0.3 plus white noise at @snr_db (speech power over
 * noise power; no noise when @snr_db is 0). Returns the sample count. */
static float *
make_layout (double snr_db, size_t *n_out)
{
  size_t n = 0, pos = 0, i, k, voiced = 0;
  float *x;
  double speech_power = 0.0;
  uint32_t seed = 12345;

  for (k = 0; k < G_N_ELEMENTS (layout); k++)
    n += (size_t) (layout[k] * RATE);
  x = calloc (n, sizeof (float));
  for (k = 0; k < G_N_ELEMENTS (layout); k++) {
    size_t len = (size_t) (layout[k] * RATE);
    if (k % 2 == 1) {
      test_voiced (x + pos, len, RATE, 0.3, 0);
      for (i = pos; i < pos + len; i++)
        speech_power += (double) x[i] * x[i];
      voiced += len;
    }
    pos += len;
  }
  if (snr_db > 0) {
    /* uniform noise in [-a, a) has power a^2 / 3 */
    double noise_power = speech_power / voiced / pow (10.0, snr_db / 10.0);
    double a = sqrt (3.0 * noise_power);
    for (i = 0; i < n; i++)
      x[i] += (float) (a * test_noise (&seed));
  }
  *n_out = n;
  return x;
}

static void
run_layout (AuraVad * v, const float *x, size_t n)
{
  size_t done = 0;

  /* uneven chunks, as buffers arrive */
  while (done < n) {
    size_t take = MIN (n - done, 997);
    aura_vad_process (v, x + done, take);
    done += take;
  }
  aura_vad_finish (v);
}

static void
check_layout (double snr_db, double tolerance)
{
  size_t n, got;
  float *x = make_layout (snr_db, &n);
  AuraVad *v = aura_vad_new (RATE, 0.25);
  AuraPause pauses[8];
  AuraVadSession ses;

  run_layout (v, x, n);
  got = aura_vad_take_pauses (v, pauses, 8);
  aura_vad_get_session (v, &ses);
  /* 0.8 s and 0.3 s are pauses; 0.15 s is shorter than min-pause; the leading and
   * trailing silences are not pauses */
  fail_unless_equals_int (got, 2);
  fail_unless (fabs (pauses[0].start - 2.0) < tolerance, "start %f",
      pauses[0].start);
  fail_unless (fabs (pauses[0].end - 2.8) < tolerance, "end %f", pauses[0].end);
  fail_unless (fabs (pauses[1].start - 4.0) < tolerance, "start %f",
      pauses[1].start);
  fail_unless (fabs (pauses[1].end - 4.3) < tolerance, "end %f", pauses[1].end);
  fail_unless (ses.has_speech);
  fail_unless (fabs (ses.speech_start - 0.5) < tolerance, "speech start %f",
      ses.speech_start);
  fail_unless (fabs (ses.speech_end - 6.45) < tolerance, "speech end %f",
      ses.speech_end);
  fail_unless_equals_int (ses.pauses, 2);
  fail_unless (fabs (ses.pause_time - 1.1) < 2 * tolerance);
  fail_unless (fabs (ses.longest_pause - 0.8) < 2 * tolerance);
  /* speech time: 5.95 s from first onset to last offset minus 1.1 s of pauses */
  fail_unless (fabs (ses.speech_time - 4.85) < 3 * tolerance, "speech %f",
      ses.speech_time);
  aura_vad_free (v);
  free (x);
}

GST_START_TEST (test_pauses_clean)
{
  check_layout (0, 0.03);
}

GST_END_TEST;

GST_START_TEST (test_pauses_noise_20db)
{
  check_layout (20.0, 0.06);
}

GST_END_TEST;

GST_START_TEST (test_noise_floor_follows_noise)
{
  /* white noise of RMS 0.01 (-40 dBFS): about 48 % of its power lies in the
   * 150-4000 Hz speech band, so the floor reads near -43 dB */
  AuraVad *v = aura_vad_new (RATE, 0.25);
  AuraVadInterval iv;
  uint32_t seed = 7;
  float *x = malloc (RATE * 5 * sizeof (float));
  double a = 0.01 * sqrt (3.0);
  size_t i;

  for (i = 0; i < RATE * 5; i++)
    x[i] = (float) (a * test_noise (&seed));
  aura_vad_process (v, x, RATE * 5);
  aura_vad_take_interval (v, &iv);
  fail_unless (fabs (iv.noise_floor_db + 43.2) < 1.5, "floor %f",
      iv.noise_floor_db);
  /* stationary noise is never speech */
  fail_unless_equals_int (iv.speech_frames, 0);
  fail_unless_equals_int (iv.active_frames, 0);
  fail_unless (!iv.speaking);
  fail_unless_equals_int (iv.frames, 500);
  aura_vad_free (v);
  free (x);
}

GST_END_TEST;

GST_START_TEST (test_click_is_not_speech)
{
  AuraVad *v = aura_vad_new (RATE, 0.25);
  float *x = calloc (RATE * 2, sizeof (float));
  AuraVadSession ses;

  /* a 20 ms burst in silence */
  test_voiced (x + RATE, RATE / 50, RATE, 0.5, RATE / 8);
  aura_vad_process (v, x, RATE * 2);
  aura_vad_finish (v);
  aura_vad_get_session (v, &ses);
  fail_unless (!ses.has_speech);
  fail_unless_equals_int (ses.speech_frames, 0);
  aura_vad_free (v);
  free (x);
}

GST_END_TEST;

GST_START_TEST (test_discont_and_declared_silence)
{
  AuraVad *v = aura_vad_new (RATE, 0.25);
  float *x = malloc (RATE * sizeof (float));
  float *room = malloc (RATE / 2 * sizeof (float));
  AuraPause p[4];
  AuraVadSession ses;
  uint32_t seed = 99;
  size_t i;

  /* speech over a faint room tone (-60 dBFS), after half a second of it */
  test_voiced (x, RATE, RATE, 0.3, 0);
  for (i = 0; i < RATE / 2; i++)
    room[i] = (float) (0.001 * sqrt (3.0) * test_noise (&seed));
  for (i = 0; i < RATE; i++)
    x[i] += room[i % (RATE / 2)];
  aura_vad_set_time (v, 9.5);
  aura_vad_process (v, room, RATE / 2);
  aura_vad_process (v, x, RATE);
  /* lost data: the clock jumps, no pause spans it */
  aura_vad_set_time (v, 20.0);
  aura_vad_process (v, x, RATE);
  fail_unless_equals_int (aura_vad_take_pauses (v, p, 4), 0);
  /* declared silence (a GAP) between speech is a pause */
  aura_vad_silence (v, RATE);
  aura_vad_process (v, x, RATE);
  aura_vad_finish (v);
  fail_unless_equals_int (aura_vad_take_pauses (v, p, 4), 1);
  fail_unless (fabs (p[0].start - 21.0) < 0.03, "start %f", p[0].start);
  fail_unless (fabs (p[0].end - 22.0) < 0.03, "end %f", p[0].end);
  aura_vad_get_session (v, &ses);
  fail_unless (fabs (ses.speech_start - 10.0) < 0.03, "start %f",
      ses.speech_start);
  fail_unless (fabs (ses.speech_time - 3.0) < 0.1, "speech %f",
      ses.speech_time);
  aura_vad_free (v);
  free (x);
  free (room);
}

GST_END_TEST;

GST_START_TEST (test_interval_accounting)
{
  size_t n, done = 0;
  float *x = make_layout (0, &n);
  AuraVad *v = aura_vad_new (RATE, 0.25);
  AuraVadInterval iv;
  AuraVadSession ses;
  uint64_t frames = 0, speech = 0, pauses = 0;

  /* 100 ms intervals: per-interval counts add up to the session's */
  while (done < n) {
    size_t take = MIN (n - done, RATE / 10);
    aura_vad_process (v, x + done, take);
    done += take;
    aura_vad_take_interval (v, &iv);
    fail_unless (iv.speech_frames <= iv.frames);
    frames += iv.frames;
    speech += iv.speech_frames;
    pauses += iv.pauses;
  }
  aura_vad_get_session (v, &ses);
  fail_unless_equals_int (frames, ses.frames);
  fail_unless_equals_int (pauses, 2);
  /* a gap is provisionally speech until it reaches min-pause; the part already
   * reported in an earlier interval stays counted: at most min-pause for each
   * gap that turned out long (two pauses and the trailing silence) */
  fail_unless (speech >= ses.speech_frames);
  fail_unless (speech - ses.speech_frames <= 3 * 25, "%" G_GUINT64_FORMAT
      " vs %" G_GUINT64_FORMAT, speech, ses.speech_frames);
  aura_vad_free (v);
  free (x);
}

GST_END_TEST;

GST_START_TEST (test_invalid_arguments)
{
  fail_unless (aura_vad_new (4000, 0.25) == NULL);
  fail_unless (aura_vad_new (16000, 0.0) == NULL);
  fail_unless (aura_vad_new (16000, NAN) == NULL);
}

GST_END_TEST;

static Suite *
vad_suite (void)
{
  Suite *s = suite_create ("aura-vad");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_pauses_clean);
  tcase_add_test (tc, test_pauses_noise_20db);
  tcase_add_test (tc, test_noise_floor_follows_noise);
  tcase_add_test (tc, test_click_is_not_speech);
  tcase_add_test (tc, test_discont_and_declared_silence);
  tcase_add_test (tc, test_interval_accounting);
  tcase_add_test (tc, test_invalid_arguments);
  return s;
}

GST_CHECK_MAIN (vad);
