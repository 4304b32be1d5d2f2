/* AURA — tests of dsp/aura-pitch: YIN on harmonic signals of known F0. */
#include <gst/check/gstcheck.h>
#include <math.h>
#include <stdlib.h>

#include "aura-pitch.h"
#include "dsp-signals.h"

#define RATE 16000

/* Harmonic series at @f0 (1/k amplitudes up to 3.5 kHz), @seconds long. */
static float *
make_harmonic (double f0, double f0_end, double seconds, size_t *n_out)
{
  size_t n = (size_t) (seconds * RATE), i;
  float *x = malloc (n * sizeof (float));
  double phase = 0.0;

  for (i = 0; i < n; i++) {
    double f = f0 + (f0_end - f0) * i / n, v = 0.0;
    int k;
    phase += 2.0 * M_PI * f / RATE;
    for (k = 1; k * f < 3500.0 && k <= 40; k++)
      v += sin (k * phase) / k;
    x[i] = (float) (0.2 * v);
  }
  *n_out = n;
  return x;
}

/* Runs the tracker every 20 ms and returns the worst relative error against the
 * true F0 at the window's centre (the window ends at the estimate time). */
static double
worst_error (double f0, double f0_end, unsigned *unvoiced)
{
  size_t n, end;
  float *x = make_harmonic (f0, f0_end, 1.0, &n);
  AuraPitch *p = aura_pitch_new (RATE, 60.0, 500.0);
  double worst = 0.0;

  *unvoiced = 0;
  aura_pitch_push (p, x, RATE / 10);
  for (end = RATE / 10; end + 320 <= n; end += 320) {
    AuraPitchEstimate e;
    /* the ring holds the recent past: push as a stream would */
    aura_pitch_push (p, x + end, 320);
    double truth = f0 + (f0_end - f0) * (end - 0.02 * RATE) / n;
    fail_unless (aura_pitch_estimate (p, end, &e) == 0);
    if (e.f0 <= 0.0) {
      (*unvoiced)++;
      continue;
    }
    worst = MAX (worst, fabs (e.f0 / truth - 1.0));
  }
  aura_pitch_free (p);
  free (x);
  return worst;
}

GST_START_TEST (test_constant_f0)
{
  const double f0s[] = { 70.0, 100.0, 150.0, 220.0, 300.0, 400.0, 480.0 };
  unsigned i, unvoiced;

  for (i = 0; i < G_N_ELEMENTS (f0s); i++) {
    double err = worst_error (f0s[i], f0s[i], &unvoiced);
    fail_unless_equals_int (unvoiced, 0);
    /* 1 % is 17 cents */
    fail_unless (err < 0.01, "%.0f Hz: worst error %.2f %%", f0s[i],
        100.0 * err);
  }
}

GST_END_TEST;

GST_START_TEST (test_glide)
{
  unsigned unvoiced;
  double err = worst_error (100.0, 250.0, &unvoiced);

  fail_unless_equals_int (unvoiced, 0);
  fail_unless (err < 0.03, "glide: worst error %.2f %%", 100.0 * err);
}

GST_END_TEST;

GST_START_TEST (test_noise_is_unvoiced)
{
  float *x = malloc (RATE * sizeof (float));
  AuraPitch *p = aura_pitch_new (RATE, 60.0, 500.0);
  uint32_t seed = 3;
  size_t i, end, voiced = 0;

  for (i = 0; i < RATE; i++)
    x[i] = 0.3f * test_noise (&seed);
  aura_pitch_push (p, x, RATE / 10);
  for (end = RATE / 10; end + 320 <= RATE; end += 320) {
    AuraPitchEstimate e;
    aura_pitch_push (p, x + end, 320);
    aura_pitch_estimate (p, end, &e);
    voiced += e.f0 > 0.0;
  }
  fail_unless (voiced <= 2, "%zu noise frames voiced", voiced);
  aura_pitch_free (p);
  free (x);
}

GST_END_TEST;

GST_START_TEST (test_arguments_and_window)
{
  AuraPitch *p;
  AuraPitchEstimate e;
  float x[100] = { 0 };

  fail_unless (aura_pitch_new (16000, 60.0, 40.0) == NULL);
  fail_unless (aura_pitch_new (16000, 10.0, 400.0) == NULL);
  fail_unless (aura_pitch_new (16000, 60.0, 900.0) == NULL);
  fail_unless (aura_pitch_new (44100, 60.0, 400.0) == NULL);
  p = aura_pitch_new (16000, 75.0, 500.0);
  fail_unless (aura_pitch_set_range (p, 300.0, 200.0) == -1);
  /* not enough signal yet, or a window in the future */
  aura_pitch_push (p, x, 100);
  fail_unless (aura_pitch_estimate (p, 100, &e) == -1);
  fail_unless (aura_pitch_estimate (p, 5000, &e) == -1);
  aura_pitch_free (p);
}

GST_END_TEST;

static Suite *
pitch_suite (void)
{
  Suite *s = suite_create ("aura-pitch");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_constant_f0);
  tcase_add_test (tc, test_glide);
  tcase_add_test (tc, test_noise_is_unvoiced);
  tcase_add_test (tc, test_arguments_and_window);
  return s;
}

GST_CHECK_MAIN (pitch);
