using TorchSharp;
using Xunit;

namespace MLNet.Autoencoders.Tests;

/// <summary>
/// TorchSharp's native library loads and trains on this machine. On Debian 12 / Ubuntu 22.04 this fails with
/// TypeInitializationException unless the build's GLIBCXX_3.4.32 fix-up (build/MLNet.Autoencoders.targets) ran.
/// </summary>
public class TorchSmokeTests
{
    [Fact]
    public void TorchSharp_loads_and_a_few_Adam_steps_fit_a_line()
    {
        using var generator = new torch.Generator(1);
        using var x = torch.rand(64, 1, generator: generator);
        using var y = 3 * x + 1;
        using var layer = torch.nn.Linear(1, 1);
        using var optimizer = torch.optim.Adam(layer.parameters(), 0.1);
        float first = 0, last = 0;
        for (int step = 0; step < 200; step++)
        {
            using var scope = torch.NewDisposeScope();
            var loss = torch.nn.functional.mse_loss(layer.forward(x), y);
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            if (step == 0) first = loss.item<float>();
            last = loss.item<float>();
        }
        Assert.True(last < first / 100, $"loss {first} -> {last}");
    }

    [Fact]
    public void The_native_library_in_the_output_folder_has_a_weak_GLIBCXX_3_4_32_need()
    {
        if (!OperatingSystem.IsLinux()) return;
        var path = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.True(File.Exists(path), path);
        var bytes = File.ReadAllBytes(path);
        // The version-need auxiliary entry for GLIBCXX_3.4.32: find the name in .dynstr, then the Vernaux whose
        // vna_name points at it, and check its vna_flags has VER_FLG_WEAK (0x2). Parsing as in the build task.
        long shoff = BitConverter.ToInt64(bytes, 0x28);
        int shentsize = BitConverter.ToUInt16(bytes, 0x3A), shnum = BitConverter.ToUInt16(bytes, 0x3C);
        bool found = false;
        for (int i = 0; i < shnum; i++)
        {
            long sh = shoff + (long)i * shentsize;
            if (BitConverter.ToUInt32(bytes, (int)sh + 4) != 0x6ffffffe) continue;
            long offset = BitConverter.ToInt64(bytes, (int)sh + 0x18);
            int link = BitConverter.ToInt32(bytes, (int)sh + 0x28), count = BitConverter.ToInt32(bytes, (int)sh + 0x2C);
            long strtab = BitConverter.ToInt64(bytes, (int)(shoff + (long)link * shentsize + 0x18));
            long need = offset;
            for (int n = 0; n < count; n++)
            {
                int auxCount = BitConverter.ToUInt16(bytes, (int)need + 2);
                long aux = need + BitConverter.ToUInt32(bytes, (int)need + 8);
                for (int a = 0; a < auxCount; a++)
                {
                    ushort flags = BitConverter.ToUInt16(bytes, (int)aux + 4);
                    long name = strtab + BitConverter.ToUInt32(bytes, (int)aux + 8);
                    int end = Array.IndexOf(bytes, (byte)0, (int)name);
                    if (System.Text.Encoding.ASCII.GetString(bytes, (int)name, end - (int)name) == "GLIBCXX_3.4.32")
                    {
                        found = true;
                        Assert.True((flags & 0x2) != 0, "GLIBCXX_3.4.32 need is not weak");
                    }
                    aux += BitConverter.ToUInt32(bytes, (int)aux + 12);
                }
                need += BitConverter.ToUInt32(bytes, (int)need + 12);
            }
        }
        Assert.True(found, "TorchSharp no longer needs GLIBCXX_3.4.32; the build fix-up may be retired.");
    }
}
