// Linked into the app only in AddressSanitizer builds (NNVIZ_SANITIZE=address).
//
// Mesa loads its driver (swrast_dri.so, with LLVM) with dlopen and unloads it with dlclose before
// the leak check runs at exit. The driver keeps a few allocations in its globals for the life of
// the process; once it is unmapped those globals are gone, the allocations count as leaks and the
// report can only say "<unknown module>". With every library left mapped, the driver's globals
// still hold them, so the graphics stack comes out clean (tests/lsan-gui.supp names its modules in
// case one slips through), and a leak of the app's own fails the GUI tests. Skipping the unload
// is harmless at exit, and the app loads no library twice.
extern "C" int dlclose(void* /*handle*/) { return 0; }
