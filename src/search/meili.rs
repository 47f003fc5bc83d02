//! The Meilisearch backend: indexes `<prefix><kind>` with the settings of `search/*.json`.
//! Every write waits for its task, so the outbox marks rows done only after Meilisearch has
//! applied them, and a failed task is an error (the rows are retried).

use std::time::Duration;

use meilisearch_sdk::client::Client;
use meilisearch_sdk::search::Selectors;
use meilisearch_sdk::settings::Settings;
use meilisearch_sdk::task_info::TaskInfo;
use meilisearch_sdk::tasks::Task;
use tokio::sync::OnceCell;

use super::rules::{self, Found, Kind, Request};
use super::{Backend, Document, SearchError};

/// How long a write may take before it counts as failed (and is retried).
const TASK_TIMEOUT: Duration = Duration::from_secs(120);

/// A Meilisearch server.
pub struct Meili {
    client: Client,
    prefix: String,
    prepared: OnceCell<()>,
}

fn err(e: impl std::fmt::Display) -> SearchError {
    SearchError::Engine(e.to_string())
}

impl Meili {
    /// A client for `url` (with an API key if the server needs one); index names start with
    /// `prefix`. Nothing is contacted until the first use.
    pub fn new(url: &str, api_key: Option<&str>, prefix: &str) -> Result<Meili, SearchError> {
        let key = api_key.map(str::trim).filter(|k| !k.is_empty());
        Ok(Meili {
            client: Client::new(url, key).map_err(err)?,
            prefix: prefix.to_string(),
            prepared: OnceCell::new(),
        })
    }

    fn uid(&self, kind: Kind) -> String {
        format!("{}{}", self.prefix, kind.uid())
    }

    async fn wait(&self, info: TaskInfo) -> Result<(), SearchError> {
        let task = info
            .wait_for_completion(
                &self.client,
                Some(Duration::from_millis(20)),
                Some(TASK_TIMEOUT),
            )
            .await
            .map_err(err)?;
        match task {
            Task::Failed { content } => Err(SearchError::Engine(content.error.to_string())),
            _ => Ok(()),
        }
    }

    /// Applies the kind's definition to the index `uid`.
    async fn configure(&self, uid: &str, kind: Kind) -> Result<(), SearchError> {
        let settings: Settings = serde_json::from_value(kind.def().settings.clone())
            .map_err(|e| SearchError::Invalid(format!("{}: {e}", kind.uid())))?;
        let info = self
            .client
            .index(uid)
            .set_settings(&settings)
            .await
            .map_err(err)?;
        self.wait(info).await
    }

    async fn ensure_prepared(&self) -> Result<(), SearchError> {
        self.prepared
            .get_or_try_init(|| async {
                for kind in Kind::ALL {
                    let def = kind.def();
                    let uid = self.uid(kind);
                    let created = self
                        .client
                        .create_index(&uid, Some(&def.ext.primary_key))
                        .await
                        .map_err(err)?
                        .wait_for_completion(&self.client, None, Some(TASK_TIMEOUT))
                        .await
                        .map_err(err)?;
                    if let Task::Failed { content } = created {
                        // An index that already exists is what we want.
                        let code = format!("{:?}", content.error.error_code);
                        if !code.contains("IndexAlreadyExists") {
                            return Err(SearchError::Engine(content.error.to_string()));
                        }
                    }
                    self.configure(&uid, kind).await?;
                }
                Ok(())
            })
            .await
            .map(|_| ())
    }
}

#[async_trait::async_trait]
impl Backend for Meili {
    fn name(&self) -> &'static str {
        "meilisearch"
    }

    async fn prepare(&self) -> Result<(), SearchError> {
        self.ensure_prepared().await
    }

    async fn apply(
        &self,
        kind: Kind,
        upserts: Vec<Document>,
        deletes: Vec<i64>,
    ) -> Result<(), SearchError> {
        self.ensure_prepared().await?;
        let index = self.client.index(self.uid(kind));
        if !deletes.is_empty() {
            let info = index.delete_documents(&deletes).await.map_err(err)?;
            self.wait(info).await?;
        }
        if !upserts.is_empty() {
            let info = index
                .add_or_replace(&upserts, Some(&kind.def().ext.primary_key))
                .await
                .map_err(err)?;
            self.wait(info).await?;
        }
        Ok(())
    }

    async fn clear(&self, kind: Kind) -> Result<(), SearchError> {
        self.ensure_prepared().await?;
        let info = self
            .client
            .index(self.uid(kind))
            .delete_all_documents()
            .await
            .map_err(err)?;
        self.wait(info).await
    }

    async fn search(&self, kind: Kind, req: &Request) -> Result<Found, SearchError> {
        self.ensure_prepared().await?;
        let def = kind.def();
        let index = self.client.index(self.uid(kind));
        let filter = rules::meili_filter(&req.filters);
        let sort: Vec<String> = req
            .sort
            .iter()
            .map(|(a, desc)| format!("{a}:{}", if *desc { "desc" } else { "asc" }))
            .collect();
        let sort_refs: Vec<&str> = sort.iter().map(String::as_str).collect();
        let facets: Vec<&str> = def.ext.facets.iter().map(String::as_str).collect();
        let limit = req.limit.max(1);
        // Words never look in the bigram attributes and bigrams only there; the default
        // matching strategy (`last`) applies to both, as in the embedded engine.
        let attrs = def.searched_by(req.matching);
        let mut q = index.search();
        q.with_query(&req.text)
            .with_locales(&["zho"])
            .with_attributes_to_search_on(&attrs);
        if req.offset.is_multiple_of(limit) {
            // Page mode gives an exact total.
            q.with_page(req.offset / limit + 1)
                .with_hits_per_page(limit);
        } else {
            q.with_offset(req.offset).with_limit(limit);
        }
        if let Some(f) = &filter {
            q.with_filter(f);
        }
        if !sort_refs.is_empty() {
            q.with_sort(&sort_refs);
        }
        if req.facets {
            q.with_facets(Selectors::Some(&facets));
        }
        let res = q.execute::<Document>().await.map_err(err)?;
        let mut out = Found {
            total: res
                .total_hits
                .or(res.estimated_total_hits)
                .unwrap_or(res.hits.len()) as u64,
            hits: res.hits.into_iter().map(|h| h.result).collect(),
            facets: Default::default(),
        };
        if req.facets {
            let dist = res.facet_distribution.unwrap_or_default();
            for f in &def.ext.facets {
                let counts = dist
                    .get(f)
                    .map(|m| m.iter().map(|(k, v)| (k.clone(), *v as u64)).collect())
                    .unwrap_or_default();
                out.facets.insert(f.clone(), rules::order_facet(counts));
            }
        }
        Ok(out)
    }

    async fn rebuild_start(&self, kind: Kind) -> Result<String, SearchError> {
        self.ensure_prepared().await?;
        let def = kind.def();
        // Named apart, so two instances rebuilding at once (both found the index empty at
        // start) do not write into one another's.
        let uid = format!("{}__rebuild_{:08x}", self.uid(kind), rand::random::<u32>());
        let info = self
            .client
            .create_index(&uid, Some(&def.ext.primary_key))
            .await
            .map_err(err)?;
        self.wait(info).await?;
        self.configure(&uid, kind).await?;
        Ok(uid)
    }

    async fn rebuild_apply(
        &self,
        kind: Kind,
        rebuild: &str,
        docs: Vec<Document>,
    ) -> Result<(), SearchError> {
        if docs.is_empty() {
            return Ok(());
        }
        let info = self
            .client
            .index(rebuild)
            .add_or_replace(&docs, Some(&kind.def().ext.primary_key))
            .await
            .map_err(err)?;
        self.wait(info).await
    }

    async fn rebuild_finish(
        &self,
        kind: Kind,
        rebuild: &str,
        _since: i64,
    ) -> Result<(), SearchError> {
        // Meilisearch swaps the two names in one task; the old documents end under the
        // rebuild's name, which is then deleted.
        let info = self
            .client
            .swap_indexes([&meilisearch_sdk::client::SwapIndexes {
                indexes: (self.uid(kind), rebuild.to_string()),
                rename: None,
            }])
            .await
            .map_err(err)?;
        self.wait(info).await?;
        let info = self.client.delete_index(rebuild).await.map_err(err)?;
        self.wait(info).await
    }

    async fn count(&self, kind: Kind) -> Result<u64, SearchError> {
        self.ensure_prepared().await?;
        let stats = self
            .client
            .index(self.uid(kind))
            .get_stats()
            .await
            .map_err(err)?;
        Ok(stats.number_of_documents as u64)
    }
}
