/*
 * Test-only stand-in for Windows' bcryptprimitives.dll, for running result-vault.exe under
 * Wine 8, which has no such DLL. Rust's standard library imports ProcessPrng from it on Windows
 * since Rust 1.78 (its HashMap keys and std's random source); without the DLL the .exe does not
 * start. This shim fills the buffer from RtlGenRandom (advapi32's SystemFunction036), the
 * system's own random generator, which Wine has. Built with MinGW by scripts/platforms.sh and
 * placed beside the .exe in a temporary folder; never shipped: a real Windows has the real DLL.
 *
 * BOOL WINAPI ProcessPrng(PBYTE pbData, SIZE_T cbData): always TRUE on Windows ("ProcessPrng",
 * Microsoft Learn, bcryptprimitives.h). RtlGenRandom takes a ULONG length, so larger requests
 * are filled in pieces.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG chunk = len > 0x10000000 ? 0x10000000 : (ULONG)len;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
