/* pitch-track: frame-by-frame F0 track of a WAV file with AURA's pitch estimator
 * (gst/aura/dsp/aura-pitch.c), for the accuracy evaluation (eval_pitch.py).
 *
 *   pitch-track [--floor HZ] [--ceiling HZ] [--gate DBFS] FILE.wav
 *
 * FILE: RIFF/WAVE, mono, 16000 Hz, 16-bit PCM or 32-bit IEEE float (also in a
 * WAVE_FORMAT_EXTENSIBLE header); anything else is rejected.
 *
 * The file is pushed in hops of 320 samples (20 ms, the element's cadence) and
 * after every hop the window that ends at the hop end is estimated.  Output, one
 * line per hop:
 *
 *   time_s f0_hz periodicity
 *
 * f0_hz is 0 when the window is unvoiced (or not yet available: the first hop(s),
 * printed as "0 0").  periodicity is the estimator's 1 - CMND at the chosen lag,
 * also for unvoiced windows (negative when the CMND exceeds 1).  A first line starting with '#' gives the settings and the
 * window.
 *
 * --gate DBFS: no estimate for a hop whose RMS is below DBFS (printed "0 0"),
 * as the element skips the frames its VAD calls silent; the estimator's octave
 * memory then only ages on estimated hops.  Default: every hop is estimated.
 *
 * The analysis window (aura-pitch.c): at the internal rate of 4 kHz,
 * tau_max = ceil(4000 / floor) and the integration window is one period of the
 * floor, window = tau_max; YIN's difference over lags up to tau_max needs
 * need = window + tau_max + 1 = 2 * ceil(4000 / floor) + 1 decimated samples, i.e.
 * 135 samples = 33.75 ms for the default 60 Hz floor (540 input samples).  The
 * decimated samples are the outputs of a 47-tap linear-phase FIR (16 -> 4 kHz),
 * so the input samples that reach the estimate span 4 * need + 43 samples
 * (583 = 36.4 ms at a 60 Hz floor) ending at the hop end; the time printed is
 * the centre of that span (the FIR's 23-sample group delay included), in
 * seconds from the start of the file.  The full-rate refinement uses a span
 * within it.
 */
#include "aura-pitch.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RATE 16000
#define HOP 320
#define DECIMATOR_TAPS 47       /* as in aura-pitch.c */

static void
usage (FILE * f)
{
  fprintf (f, "usage: pitch-track [--floor HZ] [--ceiling HZ] [--gate DBFS] "
      "FILE.wav\n"
      "  mono 16 kHz WAV (16-bit PCM or 32-bit float); prints\n"
      "  'time_s f0_hz periodicity' every 20 ms (f0 0 = unvoiced)\n"
      "  defaults: --floor 60 --ceiling 500; --gate DBFS: skip hops whose\n"
      "  RMS is below DBFS (as the element skips silent frames)\n");
}

static uint32_t
le32 (const unsigned char *b)
{
  return (uint32_t) b[0] | (uint32_t) b[1] << 8 | (uint32_t) b[2] << 16 |
      (uint32_t) b[3] << 24;
}

static uint16_t
le16 (const unsigned char *b)
{
  return (uint16_t) (b[0] | b[1] << 8);
}

/* Reads the whole file as float samples; returns NULL after printing why. */
static float *
read_wav (const char *path, size_t *n_out)
{
  FILE *f = fopen (path, "rb");
  unsigned char hdr[12], ck[8], fmt[40];
  int have_fmt = 0, is_float = 0;
  unsigned bits = 0;
  float *x = NULL;

  if (f == NULL) {
    fprintf (stderr, "pitch-track: %s: %s\n", path, strerror (errno));
    return NULL;
  }
  if (fread (hdr, 1, 12, f) != 12 || memcmp (hdr, "RIFF", 4) != 0
      || memcmp (hdr + 8, "WAVE", 4) != 0) {
    fprintf (stderr, "pitch-track: %s: not a RIFF/WAVE file\n", path);
    goto fail;
  }
  for (;;) {
    uint32_t size;

    if (fread (ck, 1, 8, f) != 8) {
      fprintf (stderr, "pitch-track: %s: no data chunk\n", path);
      goto fail;
    }
    size = le32 (ck + 4);
    if (memcmp (ck, "fmt ", 4) == 0) {
      unsigned tag, channels, rate;
      uint32_t keep = size < sizeof fmt ? size : sizeof fmt;

      if (size < 16 || fread (fmt, 1, keep, f) != keep
          || fseek (f, (long) (size - keep + (size & 1)), SEEK_CUR) != 0) {
        fprintf (stderr, "pitch-track: %s: bad fmt chunk\n", path);
        goto fail;
      }
      tag = le16 (fmt);
      channels = le16 (fmt + 2);
      rate = le32 (fmt + 4);
      bits = le16 (fmt + 14);
      if (tag == 0xFFFE && size >= 40)  /* WAVE_FORMAT_EXTENSIBLE: sub-format */
        tag = le16 (fmt + 24);
      if (channels != 1 || rate != RATE) {
        fprintf (stderr, "pitch-track: %s: %u channel(s) at %u Hz; only mono "
            "16000 Hz is accepted (e.g. sox IN -r 16000 -c 1 OUT.wav)\n",
            path, channels, rate);
        goto fail;
      }
      if (tag == 1 && bits == 16)
        is_float = 0;
      else if (tag == 3 && bits == 32)
        is_float = 1;
      else {
        fprintf (stderr, "pitch-track: %s: sample format tag %u, %u bits; only "
            "16-bit PCM or 32-bit float is accepted\n", path, tag, bits);
        goto fail;
      }
      have_fmt = 1;
    } else if (memcmp (ck, "data", 4) == 0) {
      size_t bps = bits / 8, n, i;
      unsigned char *raw;

      if (!have_fmt) {
        fprintf (stderr, "pitch-track: %s: data before fmt chunk\n", path);
        goto fail;
      }
      /* a streamed WAV may carry 0 or 0xFFFFFFFF: read to the end then */
      if (size == 0 || size == 0xFFFFFFFFu) {
        size_t cap = 1 << 20, len = 0, got;
        raw = malloc (cap);
        while (raw && (got = fread (raw + len, 1, cap - len, f)) > 0) {
          len += got;
          if (len == cap) {
            unsigned char *r = realloc (raw, cap *= 2);
            if (r == NULL) {
              free (raw);
              raw = NULL;
            } else
              raw = r;
          }
        }
        size = (uint32_t) len;
      } else if ((raw = malloc (size)) != NULL) {
        /* a short data chunk (writer killed) is read as far as it goes */
        size_t got = fread (raw, 1, size, f);
        if (got < size)
          fprintf (stderr, "pitch-track: %s: data chunk truncated (%zu of %u "
              "bytes)\n", path, got, (unsigned) size);
        size = (uint32_t) got;
      }
      if (raw == NULL) {
        fprintf (stderr, "pitch-track: out of memory\n");
        goto fail;
      }
      n = size / bps;
      x = malloc ((n ? n : 1) * sizeof (float));
      if (x == NULL) {
        free (raw);
        fprintf (stderr, "pitch-track: out of memory\n");
        goto fail;
      }
      for (i = 0; i < n; i++) {
        if (is_float) {
          uint32_t u = le32 (raw + 4 * i);
          float v;
          memcpy (&v, &u, sizeof v);
          x[i] = v;
        } else
          x[i] = (int16_t) le16 (raw + 2 * i) / 32768.0f;
      }
      free (raw);
      fclose (f);
      *n_out = n;
      return x;
    } else if (fseek (f, (long) (size + (size & 1)), SEEK_CUR) != 0) {
      fprintf (stderr, "pitch-track: %s: truncated chunk\n", path);
      goto fail;
    }
  }
fail:
  fclose (f);
  return NULL;
}

static int
parse_hz (const char *s, double *out)
{
  char *end;
  double v = strtod (s, &end);

  if (end == s || *end != '\0' || !isfinite (v))
    return -1;
  *out = v;
  return 0;
}

int
main (int argc, char **argv)
{
  double floor_hz = 60.0, ceiling_hz = 500.0, centre_off, gate = -INFINITY;
  const char *path = NULL;
  AuraPitch *p;
  float *x;
  size_t n, end;
  unsigned need, span;
  int i;

  for (i = 1; i < argc; i++) {
    if ((strcmp (argv[i], "--floor") == 0 || strcmp (argv[i], "--ceiling") == 0
            || strcmp (argv[i], "--gate") == 0) && i + 1 < argc) {
      if (parse_hz (argv[i + 1], argv[i][2] == 'f' ? &floor_hz :
              argv[i][2] == 'c' ? &ceiling_hz : &gate)) {
        fprintf (stderr, "pitch-track: bad value for %s: %s\n", argv[i],
            argv[i + 1]);
        return 2;
      }
      i++;
    } else if (strcmp (argv[i], "-h") == 0 || strcmp (argv[i], "--help") == 0) {
      usage (stdout);
      return 0;
    } else if (argv[i][0] == '-' || path != NULL) {
      usage (stderr);
      return 2;
    } else
      path = argv[i];
  }
  if (path == NULL) {
    usage (stderr);
    return 2;
  }
  p = aura_pitch_new (RATE, floor_hz, ceiling_hz);
  if (p == NULL) {
    fprintf (stderr, "pitch-track: invalid range %g..%g Hz (floor >= %g, "
        "ceiling <= %g)\n", floor_hz, ceiling_hz, AURA_PITCH_MIN_HZ,
        AURA_PITCH_RATE / 8.0);
    return 2;
  }
  x = read_wav (path, &n);
  if (x == NULL) {
    aura_pitch_free (p);
    return 1;
  }
  /* see the header comment */
  need = 2 * (unsigned) ceil (AURA_PITCH_RATE / floor_hz) + 1;
  span = need * (RATE / AURA_PITCH_RATE) + DECIMATOR_TAPS - 4;
  centre_off = span / 2.0;
  printf ("# pitch-track floor %g ceiling %g hop %d window %u samples "
      "(%.2f ms) rate %d gate %g\n", floor_hz, ceiling_hz, HOP, span,
      1000.0 * span / RATE, RATE, gate);
  for (end = HOP; end <= n; end += HOP) {
    AuraPitchEstimate e;
    double sum2 = 0.0;
    size_t k;

    aura_pitch_push (p, x + end - HOP, HOP);
    for (k = end - HOP; k < end; k++)
      sum2 += (double) x[k] * x[k];
    if (10.0 * log10 (sum2 / HOP + 1e-30) < gate
        || aura_pitch_estimate (p, end, &e) != 0)
      e.f0 = e.periodicity = 0.0;
    printf ("%.4f %.2f %.4f\n", (end - centre_off) / RATE, e.f0, e.periodicity);
  }
  free (x);
  aura_pitch_free (p);
  return 0;
}
