using MLNet.Autoencoders.Native;
using MLNet.Autoencoders.Training;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace MLNet.Autoencoders.Tests.Training;

/// <summary>Dropping the gradients before each backward pass trains exactly as zeroing them does.</summary>
public class GradientsTests
{
    public GradientsTests() => TorchSharpNativeLoader.EnsureInitialized();

    [Fact]
    public void Clearing_trains_bit_for_bit_as_zeroing_and_leaves_no_gradient()
    {
        var zeroed = Train(optimizer => optimizer.zero_grad(), out _);
        var cleared = Train(Gradients.Clear, out var clearedNetwork);
        var accumulated = Train(_ => { }, out _);

        for (int i = 0; i < zeroed.Length; i++)
            Assert.True(Same(zeroed[i], cleared[i]), $"parameter {i} differs: max {(zeroed[i] - cleared[i]).abs().max().item<float>()}");
        // The comparison can fail: gradients left to add up across steps train differently.
        Assert.Contains(zeroed.Zip(accumulated), pair => !Same(pair.First, pair.Second));

        using var optimizer = optim.Adam(clearedNetwork.parameters(), 1e-2);
        using (var loss = clearedNetwork.forward(ones(4, 6)).sum()) loss.backward();
        Assert.All(clearedNetwork.parameters(), p => Assert.NotNull(p.grad));
        Gradients.Clear(optimizer);
        Assert.All(clearedNetwork.parameters(), p => Assert.Null(p.grad));
    }

    private static bool Same(Tensor a, Tensor b) => a.data<float>().ToArray().SequenceEqual(b.data<float>().ToArray());

    private static Tensor[] Train(Action<optim.Optimizer> clear, out nn.Module<Tensor, Tensor> network)
    {
        var generator = new Generator(3);
        network = nn.Sequential(nn.Linear(6, 5), nn.ReLU(), nn.Linear(5, 6));
        using (no_grad())
            foreach (var p in network.parameters()) p.copy_(randn(p.shape, generator: generator));
        using var optimizer = optim.Adam(network.parameters(), 1e-2);
        for (int step = 0; step < 5; step++)
        {
            using var scope = NewDisposeScope();
            var x = randn([8, 6], generator: generator);
            clear(optimizer);
            nn.functional.mse_loss(network.forward(x), x).backward();
            FusedAdam.Step(optimizer);
        }
        return network.parameters().Select(p => p.detach().clone()).ToArray();
    }
}
