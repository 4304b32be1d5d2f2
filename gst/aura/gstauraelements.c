/* AURA — registration of every AURA element. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstauraelements.h"
#include "gstauraanalyzer.h"
#include "gstaurafeedback.h"
#include "gstaurasessionsink.h"

gboolean
aura_elements_register (GstPlugin * plugin)
{
  gboolean ok = FALSE;

  ok |= GST_ELEMENT_REGISTER (auraanalyzer, plugin);
  ok |= GST_ELEMENT_REGISTER (aurafeedback, plugin);
  ok |= GST_ELEMENT_REGISTER (aurasessionsink, plugin);
  return ok;
}

gboolean
aura_elements_register_static (void)
{
  return gst_plugin_register_static (GST_VERSION_MAJOR, GST_VERSION_MINOR,
      "aura", "AURA real-time speech and presentation coach",
      aura_elements_register, VERSION, GST_LICENSE, "aura", GST_PACKAGE_NAME,
      GST_PACKAGE_ORIGIN);
}
