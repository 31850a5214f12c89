//! A loaded ONNX network with a fixed input shape, run through tract.

use anyhow::{bail, Context, Result};
use tract_onnx::prelude::*;

pub struct Net {
    /// The planned network and its run state (buffers), kept between runs.
    state: TypedSimpleState,
    /// The input tensor (NCHW), reused for every run: tract gets a shared
    /// reference and drops it when the run ends, so the next frame writes
    /// into the same memory (no copy, no allocation per run).
    input: Arc<Tensor>,
}

/// tract's ONNX reader with this project's faster PReLU.
pub fn onnx() -> tract_onnx::model::Onnx {
    let mut onnx = tract_onnx::onnx();
    crate::prelu::register(&mut onnx.op_register);
    onnx
}

/// Parses `bytes` for an input of `shape` and optimises it for running,
/// with this project's faster operators ([`crate::fast_ops`]).
pub fn optimized(bytes: &[u8], shape: [usize; 4]) -> TractResult<TypedModel> {
    optimized_with_outputs(bytes, shape, &[])
}

/// As [`optimized`], and the first outputs of the nodes named in `extra`
/// become outputs too, after the model's own (an inner layer read as a
/// feature vector). The fused operators keep them: a fusion never hides a
/// model output.
pub fn optimized_with_outputs(
    bytes: &[u8],
    shape: [usize; 4],
    extra: &[&str],
) -> TractResult<TypedModel> {
    let mut read = onnx()
        .model_for_read(&mut std::io::Cursor::new(bytes))?
        .with_input_fact(0, f32::fact(shape).into())?;
    if !extra.is_empty() {
        let mut outputs = read.output_outlets()?.to_vec();
        for name in extra {
            outputs.push(OutletId::new(read.node_by_name(name)?.id, 0));
        }
        read.select_output_outlets(&outputs)?;
    }
    let mut model = read.into_typed()?.into_decluttered()?;
    crate::fast_ops::rewrite(&mut model)?;
    model.into_optimized()
}

impl Net {
    /// Parses, optimises and plans `bytes` for an input of `shape`; `name` is
    /// used in error messages.
    pub fn load(bytes: &[u8], shape: [usize; 4], name: &str) -> Result<Net> {
        Net::load_with_outputs(bytes, shape, name, &[])
    }

    /// As [`Net::load`], with the nodes named in `extra` as further outputs
    /// ([`optimized_with_outputs`]).
    pub fn load_with_outputs(
        bytes: &[u8],
        shape: [usize; 4],
        name: &str,
        extra: &[&str],
    ) -> Result<Net> {
        let plan = optimized_with_outputs(bytes, shape, extra)
            .and_then(|m| m.into_runnable())
            .with_context(|| format!("the model {name} cannot be loaded: the file is damaged or not the expected model"))?;
        let state = TypedSimpleState::new(&plan)
            .with_context(|| format!("the model {name} cannot be prepared to run"))?;
        Ok(Net {
            state,
            input: Arc::new(Tensor::zero::<f32>(&shape)?),
        })
    }

    /// Lets `fill` write the next run's input (NCHW, the shape given to
    /// [`Net::load`]).
    pub fn fill_input(&mut self, fill: impl FnOnce(&mut [f32])) -> Result<()> {
        // Unshared once the last run has ended; copied only if tract kept it.
        let input = Arc::make_mut(&mut self.input);
        let mut view = input.try_as_plain_ram_mut()?;
        fill(view.as_slice_mut::<f32>()?);
        Ok(())
    }

    /// Runs the network on `self.input`; returns each output as a flat vector.
    pub fn run(&mut self) -> Result<Vec<Vec<f32>>> {
        let outs = self.state.run(tvec!(self.input.clone().into_tvalue()))?;
        let mut flat = Vec::with_capacity(outs.len());
        for o in outs.iter() {
            let v = o.to_plain_array_view::<f32>()?;
            flat.push(v.iter().copied().collect());
        }
        Ok(flat)
    }

    /// Runs and picks the outputs with the given element counts, in that order.
    pub fn run_expect(&mut self, sizes: &[usize], name: &str) -> Result<Vec<Vec<f32>>> {
        let mut outs = self.run()?;
        let mut picked = Vec::with_capacity(sizes.len());
        for &n in sizes {
            let Some(i) = outs.iter().position(|o| o.len() == n) else {
                bail!("the model {name} has no output of {n} values: it is not the expected model");
            };
            picked.push(outs.swap_remove(i));
        }
        Ok(picked)
    }
}
