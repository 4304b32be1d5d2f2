/* AURA — tests of dsp/aura-resample: mono mix and rate conversion to 16 kHz. */
#include <gst/check/gstcheck.h>
#include <math.h>
#include <stdlib.h>

#include "aura-resample.h"

/* Converts @n frames of a sine of @freq and amplitude 0.5 at @rate (@channels, all
 * equal) in uneven chunks; returns the output RMS over its second half in dB and
 * the number of output samples. */
static double
convert_sine (unsigned rate, unsigned channels, double freq, size_t n,
    size_t *n_out)
{
  AuraResampler *r = aura_resampler_new (rate, channels, 16000);
  float *in = malloc (n * channels * sizeof (float));
  float *out = malloc (aura_resampler_max_output (r, n) * sizeof (float) * 2);
  size_t i, done = 0, written = 0, chunk = 1;
  double sum = 0.0;

  for (i = 0; i < n * channels; i++)
    in[i] = (float) (0.5 * sin (2.0 * M_PI * freq * (i / channels) / rate));
  /* chunks of 1, 2, 4 ... frames: the clock must not depend on buffer sizes */
  while (done < n) {
    size_t take = MIN (chunk, n - done);
    written += aura_resampler_process (r, in + done * channels, take,
        out + written);
    done += take;
    chunk = chunk * 2 > 4096 ? 1 : chunk * 2;
  }
  for (i = written / 2; i < written; i++)
    sum += (double) out[i] * out[i];
  *n_out = written;
  free (in);
  free (out);
  aura_resampler_free (r);
  return 10.0 * log10 (sum / (written - written / 2) + 1e-20);
}

GST_START_TEST (test_output_count_exact)
{
  const unsigned rates[] = { 8000, 11025, 16000, 22050, 44100, 48000, 96000,
    192000
  };
  unsigned i;

  for (i = 0; i < G_N_ELEMENTS (rates); i++) {
    size_t out;
    /* ten seconds in, exactly ten seconds out: no drift */
    convert_sine (rates[i], 1, 440.0, rates[i] * 10, &out);
    fail_unless (out >= 159999 && out <= 160001, "rate %u gave %zu samples",
        rates[i], out);
  }
}

GST_END_TEST;

GST_START_TEST (test_passband_preserved)
{
  const unsigned rates[] = { 8000, 44100, 48000, 96000, 192000 };
  unsigned i;

  for (i = 0; i < G_N_ELEMENTS (rates); i++) {
    size_t out;
    double db = convert_sine (rates[i], 2, 1000.0, rates[i] * 2, &out);
    /* a 0.5 amplitude sine: RMS -9.03 dB; linear interpolation loses 0.45 dB
     * at 1 kHz when it doubles 8 kHz (sinc^2 (1/8)), nothing when it decimates */
    fail_unless (fabs (db + 9.03) < (rates[i] < 16000 ? 0.5 : 0.1),
        "rate %u: %f dB", rates[i], db);
  }
}

GST_END_TEST;

GST_START_TEST (test_alias_rejected)
{
  size_t out;
  /* 14 kHz at 48 kHz would fold to 2 kHz at 16 kHz: it must be > 40 dB down */
  double db = convert_sine (48000, 1, 14000.0, 96000, &out);
  fail_unless (db < -9.03 - 40.0, "14 kHz leaked at %f dB", db);
  db = convert_sine (44100, 1, 13000.0, 88200, &out);
  fail_unless (db < -9.03 - 40.0, "13 kHz leaked at %f dB", db);
}

GST_END_TEST;

GST_START_TEST (test_mono_mix_and_reset)
{
  AuraResampler *r = aura_resampler_new (48000, 2, 16000);
  float in[960], out[400];
  size_t i, n;

  /* opposite channels cancel in the mix */
  for (i = 0; i < 480; i++) {
    in[2 * i] = (float) sin (i * 0.1);
    in[2 * i + 1] = -in[2 * i];
  }
  n = aura_resampler_process (r, in, 480, out);
  fail_unless (n >= 159 && n <= 161);
  for (i = 0; i < n; i++)
    fail_unless (fabsf (out[i]) < 1e-6f);
  aura_resampler_reset (r);
  n = aura_resampler_process (r, in, 480, out);
  fail_unless (n >= 159 && n <= 161);
  aura_resampler_free (r);
  fail_unless (aura_resampler_new (0, 1, 16000) == NULL);
  fail_unless (aura_resampler_new (16000, 0, 16000) == NULL);
}

GST_END_TEST;

static Suite *
resample_suite (void)
{
  Suite *s = suite_create ("aura-resample");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_output_count_exact);
  tcase_add_test (tc, test_passband_preserved);
  tcase_add_test (tc, test_alias_rejected);
  tcase_add_test (tc, test_mono_mix_and_reset);
  return s;
}

GST_CHECK_MAIN (resample);
