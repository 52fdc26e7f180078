#include "exporter_app.h"

int main(int argc, char** argv) { return vpm::exporter::run_exporter(argc, argv); }
