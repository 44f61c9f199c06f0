using MLNet.Autoencoders.Networks;
using TorchSharp;
using Xunit;

namespace MLNet.Autoencoders.Tests.Convolution;

/// <summary>
/// The convolutional stack's own convolution and transposed convolution (patch rows + matrix products on channels-last
/// maps, see ConvolutionalStack and PatchGeometry) against plain loops, at the shapes the library uses — including the small odd ones where
/// libtorch 2.10's oneDNN-backed conv2d / conv_transpose2d gave wrong values on an AMD EPYC family 26 (Zen 5).
/// </summary>
public class ConvolutionArithmeticTests
{
    [Theory]
    [InlineData(3, 4, 1, 2, 3, 2, 4, 5)]   // the VAE fixture's last stage: output padding (1, 0)
    [InlineData(2, 2, 1, 2, 3, 2, 4, 5)]
    [InlineData(3, 8, 4, 1, 2, 2, 2, 4)]   // output padding (1, 1)
    [InlineData(5, 64, 32, 7, 7, 2, 14, 14)] // Fashion-MNIST's second stage
    [InlineData(2, 3, 2, 3, 3, 2, 5, 5)]   // no output padding
    [InlineData(2, 3, 2, 4, 4, 1, 4, 4)]   // stride 1
    [InlineData(2, 3, 2, 2, 2, 3, 6, 6)]   // stride 3, output padding 2 > padding 1: zero-extended
    public void Matches_a_plain_loop_forward_and_backward(int n, int cin, int cout, int h, int w, int stride, int outH, int outW)
    {
        TorchSharpSetup.EnsureLoaded();
        using var scope = torch.NewDisposeScope();
        using var generator = new torch.Generator(3);
        var x = torch.randn(n, cin, h, w, generator: generator).requires_grad_();
        var weight = torch.randn(cin, cout, 3, 3, generator: generator).requires_grad_();
        var bias = torch.randn(cout, generator: generator).requires_grad_();
        var y = ChannelsFirst(ConvolutionalStack.TransposedConvolution(ChannelsLast(x), weight, bias, stride, 1, outH, outW));
        Assert.Equal(new long[] { n, cout, outH, outW }, y.shape);

        var (expected, expectedGradX, expectedGradW) = Loop(x.detach(), weight.detach(), bias.detach(), stride, outH, outW);
        var ys = y.detach().data<float>().ToArray();
        var bad = Enumerable.Range(0, ys.Length).Where(k => Math.Abs(ys[k] - expected[k]) > 1e-4 * (1 + Math.Abs(expected[k]))).ToArray();
        Assert.True(bad.Length == 0, $"{bad.Length} of {ys.Length} outputs differ, e.g. at " +
            string.Join(", ", bad.Take(5).Select(k => $"({k % (outH * outW) / outW},{k % outW}) {ys[k]} vs {expected[k]:F5}")));

        // Backward of the sum of outputs: every input and kernel gradient as the loop computes it.
        y.sum().backward();
        AssertClose(expectedGradX, x.grad!.data<float>().ToArray(), "input gradient");
        AssertClose(expectedGradW, weight.grad!.data<float>().ToArray(), "kernel gradient");
        Assert.Equal((float)(n * outH * outW), bias.grad!.data<float>().ToArray()[0], 3);
    }

    [Theory]
    [InlineData(3, 1, 4, 4, 5, 2)]    // the VAE fixture's first stage
    [InlineData(2, 4, 8, 2, 3, 2)]
    [InlineData(2, 1, 32, 28, 28, 2)] // Fashion-MNIST's first stage
    [InlineData(2, 32, 64, 14, 14, 2)] // Fashion-MNIST's second stage
    [InlineData(2, 3, 2, 4, 4, 1)]    // stride 1
    [InlineData(2, 2, 3, 6, 6, 3)]    // stride 3: the last row and column are read by no patch
    public void Convolution_matches_a_plain_loop_forward_and_backward(int n, int cin, int cout, int h, int w, int stride)
    {
        TorchSharpSetup.EnsureLoaded();
        using var scope = torch.NewDisposeScope();
        using var generator = new torch.Generator(5);
        var x = torch.randn(n, cin, h, w, generator: generator).requires_grad_();
        var weight = torch.randn(cout, cin, 3, 3, generator: generator).requires_grad_();
        var bias = torch.randn(cout, generator: generator).requires_grad_();
        var output = ChannelsFirst(ConvolutionalStack.Convolution(ChannelsLast(x), weight, bias, stride, 1));
        var y = output.detach().data<float>().ToArray();
        int oh = (h + 2 - 3) / stride + 1, ow = (w + 2 - 3) / stride + 1;
        var xs = x.detach().data<float>().ToArray();
        var ws = weight.detach().data<float>().ToArray();
        var bs = bias.detach().data<float>().ToArray();
        var gx = new double[xs.Length];
        var gw = new double[ws.Length];
        Assert.Equal(n * cout * oh * ow, y.Length);
        for (int b = 0; b < n; b++)
            for (int o = 0; o < cout; o++)
                for (int r = 0; r < oh; r++)
                    for (int c = 0; c < ow; c++)
                    {
                        double sum = bs[o];
                        for (int ci = 0; ci < cin; ci++)
                            for (int ky = 0; ky < 3; ky++)
                                for (int kx = 0; kx < 3; kx++)
                                {
                                    int yy = r * stride - 1 + ky, xx = c * stride - 1 + kx;
                                    if (yy >= 0 && yy < h && xx >= 0 && xx < w)
                                    {
                                        int xi = ((b * cin + ci) * h + yy) * w + xx, wi = ((o * cin + ci) * 3 + ky) * 3 + kx;
                                        sum += xs[xi] * ws[wi];
                                        gx[xi] += ws[wi];
                                        gw[wi] += xs[xi];
                                    }
                                }
                        float actual = y[((b * cout + o) * oh + r) * ow + c];
                        Assert.True(Math.Abs(actual - sum) <= 1e-4 * (1 + Math.Abs(sum)), $"({b},{o},{r},{c}): {actual} vs {sum:F5}");
                    }

        // Backward of the sum of outputs: dx = Σ w over the taps that read the pixel, dw = Σ x over the pixels the tap read.
        output.sum().backward();
        AssertClose(gx, x.grad!.data<float>().ToArray(), "input gradient");
        AssertClose(gw, weight.grad!.data<float>().ToArray(), "kernel gradient");
        Assert.Equal((float)(n * oh * ow), bias.grad!.data<float>().ToArray()[0], 3);
    }

    private static torch.Tensor ChannelsLast(torch.Tensor x) => x.permute(0, 2, 3, 1);

    private static torch.Tensor ChannelsFirst(torch.Tensor x) => x.permute(0, 3, 1, 2).contiguous();

    private static void AssertClose(double[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        var bad = Enumerable.Range(0, actual.Length).Where(k => Math.Abs(actual[k] - expected[k]) > 1e-3 * (1 + Math.Abs(expected[k]))).ToArray();
        Assert.True(bad.Length == 0, $"{what}: {bad.Length} of {actual.Length} differ, first {string.Join(", ", bad.Take(3).Select(k => $"{actual[k]} vs {expected[k]:F4}"))}");
    }

    /// <summary>y[o, 2i − 1 + ky, 2j − 1 + kx] += x[c, i, j] · w[c, o, ky, kx] (padding 1), plus the bias; and, for the sum of
    /// y, the gradients: dx[c, i, j] = Σ w over the taps that land inside, dw[c, o, ky, kx] = Σ x over the rows that land.</summary>
    private static (double[] Output, double[] GradX, double[] GradW) Loop(torch.Tensor x, torch.Tensor weight, torch.Tensor bias, int stride, int oh, int ow)
    {
        int n = (int)x.shape[0], cin = (int)x.shape[1], h = (int)x.shape[2], w = (int)x.shape[3], cout = (int)weight.shape[1];
        var xs = x.data<float>().ToArray();
        var ws = weight.data<float>().ToArray();
        var bs = bias.data<float>().ToArray();
        var y = new double[n * cout * oh * ow];
        var gx = new double[xs.Length];
        var gw = new double[ws.Length];
        for (int b = 0; b < n; b++)
            for (int o = 0; o < cout; o++)
                for (int p = 0; p < oh * ow; p++) y[(b * cout + o) * oh * ow + p] = bs[o];
        for (int b = 0; b < n; b++)
            for (int c = 0; c < cin; c++)
                for (int i = 0; i < h; i++)
                    for (int j = 0; j < w; j++)
                        for (int o = 0; o < cout; o++)
                            for (int ky = 0; ky < 3; ky++)
                                for (int kx = 0; kx < 3; kx++)
                                {
                                    int yy = i * stride - 1 + ky, xx = j * stride - 1 + kx;
                                    if (yy < 0 || yy >= oh || xx < 0 || xx >= ow) continue;
                                    int xi = ((b * cin + c) * h + i) * w + j, wi = ((c * cout + o) * 3 + ky) * 3 + kx;
                                    y[((b * cout + o) * oh + yy) * ow + xx] += xs[xi] * ws[wi];
                                    gx[xi] += ws[wi];
                                    gw[wi] += xs[xi];
                                }
        return (y, gx, gw);
    }
}
