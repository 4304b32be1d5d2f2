/* aura — the AURA command-line tool: one program for people who do not write
 * pipelines, built on the same elements (linked in, so it needs no
 * GST_PLUGIN_PATH).
 *
 *   aura analyze FILE|URI... [--json] ...                  (aura-analyze.c)
 *   aura live [--device NAME] [--port N] ..., aura devices  (aura-live.c)
 *   aura serve [--db PATH] [--address A] [--port N] ...   (aura-serve.c)
 *
 * Exit status: 0 success, 1 runtime failure, 2 bad usage; errors are one line
 * on stderr naming the input and the cause.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <string.h>
#include <gst/gst.h>
#include "gstauraelements.h"
#include "aura-analyze.h"
#include "aura-serve.h"
#include "aura-live.h"

#define EXIT_USAGE 2

static void
usage (FILE * out)
{
  fprintf (out, "Usage: aura COMMAND [OPTIONS]\n\n"
      "Commands:\n"
      "  analyze FILE|URI... [--json] [--lang en|fr] [--profile P]\n"
      "                              analyse a recording and print a report;\n"
      "                              several: one conversation (--speaker NAME)\n"
      "  live [--device NAME] [--lang fr] [--profile P] [--port N] [--db PATH]\n"
      "                              coach from the microphone, save the session\n"
      "  devices                     list the capture devices\n"
      "  serve [--db PATH] [--address A] [--port N] [--token-file F]\n"
      "                              serve the session API and dashboard\n\n"
      "aura COMMAND --help shows the options of a command.\n");
}

int
main (int argc, char **argv)
{
  gint ret;

  if (argc < 2) {
    usage (stderr);
    return EXIT_USAGE;
  }
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0) {
    usage (stdout);
    return 0;
  }
  if (strcmp (argv[1], "--version") == 0) {
    printf ("aura %s\n", VERSION);
    return 0;
  }
  gst_init (NULL, NULL);
  aura_elements_register_static ();
  if (strcmp (argv[1], "analyze") == 0) {
    ret = aura_cmd_analyze (argc - 1, argv + 1);
  } else if (strcmp (argv[1], "serve") == 0) {
    ret = aura_cmd_serve (argc - 1, argv + 1);
  } else if (strcmp (argv[1], "live") == 0) {
    ret = aura_cmd_live (argc - 1, argv + 1);
  } else if (strcmp (argv[1], "devices") == 0) {
    ret = aura_cmd_devices (argc - 1, argv + 1);
  } else {
    fprintf (stderr, "aura: unknown command '%s'\n", argv[1]);
    usage (stderr);
    ret = EXIT_USAGE;
  }
  gst_deinit ();
  return ret;
}
