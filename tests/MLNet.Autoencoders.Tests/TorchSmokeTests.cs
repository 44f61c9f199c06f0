using TorchSharp;
using Xunit;
namespace MLNet.Autoencoders.Tests;
public class TorchSmokeTests
{
    [Fact]
    public void TorchLoads()
    {
        using var t = torch.ones(3, 3);
        Assert.Equal(9f, t.sum().item<float>());
    }
}
