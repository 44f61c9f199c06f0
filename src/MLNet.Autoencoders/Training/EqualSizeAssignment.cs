using TorchSharp;
using static TorchSharp.torch;

namespace MLNet.Autoencoders.Training;

/// <summary>
/// Assigns rows to given centres so that every cluster holds about the same number of rows: the entropy-regularised optimal
/// transport of the rows onto k equal shares, solved by Sinkhorn–Knopp scaling (Cuturi 2013), as SeLa's equipartition of
/// self-labels (Asano, Rupprecht &amp; Vedaldi 2020, "Self-labelling via simultaneous clustering and representation learning").
/// Nearest-centre assignment lets one large cluster swallow the border of its neighbours; when the groups are known to be of
/// equal size this undoes it (behind <see cref="DeepClusteringOptions.BalancedClusters"/>; tests/MLNet.Autoencoders.Benchmarks/DEEP-CLUSTERING.md has the
/// measurements, for and against).
/// </summary>
internal static class EqualSizeAssignment
{
    /// <summary>Sinkhorn iterations: the shares are within a fraction of a row of equal long before this.</summary>
    private const int Iterations = 100;

    /// <summary>The transport's temperature as a fraction of the median squared row–centre distance: small enough that a row
    /// far inside one cluster stays there, large enough that the scaling converges in float64.</summary>
    private const double RelativeTemperature = 0.05;

    /// <summary>Each row's cluster (0-based) under the equal-size constraint: the largest entry of its row of the transport plan.</summary>
    /// <param name="x">Rows, [N, D].</param>
    /// <param name="centres">Centres, [k, D].</param>
    public static int[] Assign(Tensor x, Tensor centres)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x64 = x.to_type(ScalarType.Float64);
        var c64 = centres.to_type(ScalarType.Float64);
        long n = x64.shape[0], k = c64.shape[0];
        var distances = LatentKMeans.SquaredDistances(x64, x64.pow(2).sum(1), c64);
        double temperature = RelativeTemperature * distances.median().item<double>();
        if (!(temperature > 0)) return distances.argmin(1).to_type(ScalarType.Int32).data<int>().ToArray();
        // Log domain: exp(−d / T) underflows for far rows at this temperature.
        var plan = -distances / temperature;
        double columnTotal = Math.Log((double)n / k);
        for (int i = 0; i < Iterations; i++)
        {
            using var step = NewDisposeScope();
            plan.sub_(plan.logsumexp(0, keepdim: true) - columnTotal);
            plan.sub_(plan.logsumexp(1, keepdim: true));
        }
        return plan.argmax(1).to_type(ScalarType.Int32).data<int>().ToArray();
    }
}
