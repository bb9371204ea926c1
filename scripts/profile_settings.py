"""Write the dev profile's QGIS3.ini: plugin enabled, no first-run prompts, no network checks."""

import configparser
import sys

path = sys.argv[1]
ini = configparser.RawConfigParser()
ini.optionxform = str  # QGIS keys are case-sensitive
ini.read(path)
for section, values in {
    "PythonPlugins": {"planet_bulk_tasking": "true"},
    "qgis": {
        "checkVersion": "false",
        "showTips": "false",
        "allowVersionCheck": "false",
        "askToSaveMemoryLayers": "false",  # quitting never waits on a question
    },
    "core": {"NewsFeed\\httpsfeedqgisorg\\disabled": "true"},
}.items():
    if not ini.has_section(section):
        ini.add_section(section)
    for key, value in values.items():
        ini.set(section, key, value)
with open(path, "w") as fh:
    ini.write(fh, space_around_delimiters=False)
