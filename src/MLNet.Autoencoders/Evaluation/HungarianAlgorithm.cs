namespace MLNet.Autoencoders.Evaluation;

/// <summary>Minimum-cost assignment (Kuhn–Munkres with row and column potentials, O(n²m)), used for clustering accuracy.</summary>
internal static class HungarianAlgorithm
{
    /// <summary>The minimum-cost assignment of every row of <paramref name="cost"/> to a distinct column.
    /// Needs rows ≤ columns (pad a wide problem with zero-cost rows). Returns the column assigned to each row.</summary>
    public static int[] Solve(double[,] cost)
    {
        ArgumentNullException.ThrowIfNull(cost);
        int n = cost.GetLength(0), m = cost.GetLength(1);
        if (n > m)
            throw new ArgumentException($"The cost matrix has {n} rows but only {m} columns; every row needs its own column.", nameof(cost));
        // 1-based arrays with a sentinel column 0, as in the classic shortest-augmenting-path formulation.
        var u = new double[n + 1];
        var v = new double[m + 1];
        var match = new int[m + 1]; // match[column] = row (1-based); 0 = free
        var way = new int[m + 1];   // previous column on the augmenting path
        var minimum = new double[m + 1];
        var used = new bool[m + 1];
        for (int row = 1; row <= n; row++)
        {
            match[0] = row;
            int column0 = 0;
            Array.Fill(minimum, double.PositiveInfinity);
            Array.Clear(used);
            // Grow a tree of tight edges from the new row until it reaches a free column (Dijkstra on reduced costs).
            do
            {
                used[column0] = true;
                int row0 = match[column0], column1 = 0;
                double delta = double.PositiveInfinity;
                for (int column = 1; column <= m; column++)
                {
                    if (used[column]) continue;
                    double reduced = cost[row0 - 1, column - 1] - u[row0] - v[column];
                    if (reduced < minimum[column]) { minimum[column] = reduced; way[column] = column0; }
                    if (minimum[column] < delta) { delta = minimum[column]; column1 = column; }
                }
                for (int column = 0; column <= m; column++)
                {
                    if (used[column]) { u[match[column]] += delta; v[column] -= delta; }
                    else minimum[column] -= delta;
                }
                column0 = column1;
            } while (match[column0] != 0);
            // Flip the augmenting path.
            do
            {
                int column1 = way[column0];
                match[column0] = match[column1];
                column0 = column1;
            } while (column0 != 0);
        }
        var assignment = new int[n];
        for (int column = 1; column <= m; column++)
            if (match[column] != 0) assignment[match[column] - 1] = column - 1;
        return assignment;
    }
}
